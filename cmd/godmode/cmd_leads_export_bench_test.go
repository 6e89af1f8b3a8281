package main

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/dbtest"
)

// BenchmarkLeadsExport is `godmode leads export` of 1,000,000 leads with
// ten metadata keys each, CSV to a discarding stdout: rows per second,
// and the peak heap in use while it runs, sampled every 20 ms (the rows
// go through a cursor 1,000 at a time, so the peak does not grow with
// the leads).
//
//	go test ./cmd/godmode -run '^$' -bench LeadsExport -benchtime 1x
func BenchmarkLeadsExport(b *testing.B) {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	for _, v := range []string{envConfig, envContext, envOwnerURL, db.EnvOldMasterKeys, db.EnvMasterKeyFile, envUser, envAgentSock} {
		b.Setenv(v, "")
	}
	url := dbtest.URL(b)
	b.Setenv(envDatabaseURL, url)
	b.Setenv(db.EnvMasterKey, db.GenerateKey())
	ctx := context.Background()
	pool, err := db.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	su := dbtest.Superuser(b, pool)
	const n = 1_000_000
	for _, q := range []string{
		`INSERT INTO workspaces (slug, name, status) VALUES ('ohio', 'Ohio', 'active')`,
		`INSERT INTO leads (workspace_id, email, metadata)
		 SELECT (SELECT id FROM workspaces WHERE slug = 'ohio'), 'lead' || g || '@example.com',
		        jsonb_build_object('industry', 'Industry ' || g % 40, 'score', g % 100, 'city', 'City ' || g % 500,
		          'state', 'OH', 'title', 'Owner', 'company', 'Company ' || g, 'phone', '+1 555 ' || g,
		          'website', 'https://c' || g || '.example.com', 'employees', g % 1000, 'opted_in', g % 2 = 0)
		 FROM generate_series(1, 1000000) g`,
		`ANALYZE leads`,
	} {
		if _, err := su.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		var errb bytes.Buffer
		code := run(ctx, []string{"leads", "export", "--workspace", "ohio"}, strings.NewReader(""), io.Discard, &errb)
		took := time.Since(start)
		close(stop)
		<-done
		if code != 0 || errb.String() != "1000000 leads exported\n" {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
		b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	}
}
