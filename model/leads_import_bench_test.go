package model_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

const benchRows = 1_000_000

// writeBenchCSV writes a 12-column lead file of n rows (emails new@…),
// streamed, so the benchmark's own memory stays flat.
func writeBenchCSV(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "email,first_name,last_name,company,title,industry,city,state,score,verified,phone,website")
	industries := []string{"Solar", "Roofing", "HVAC", "Plumbing", "Windows"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "new%d@example%d.com,First%d,Last%d,Company %d,Owner,%s,Columbus,OH,%d,%t,+1 614 555 %04d,https://c%d.example.com\n",
			i, i%1000, i, i, i%50000, industries[i%5], i%100, i%3 == 0, i%10000, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// peakRSS is the process's peak resident memory (VmHWM) in MiB.
func peakRSS(tb testing.TB) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// heapPeak samples the live heap while fn runs, in MiB.
func heapPeak(fn func()) float64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return float64(peak.Load()) / (1 << 20)
}

// BenchmarkImportLeadsMillion imports a 1,000,000-row, 12-column CSV into
// a workspace already holding 1,000,000 leads (other emails), and, as the
// limit, copies the same file with psql's \copy into a plain table.
// Run: go test ./model/ -run X -bench ImportLeadsMillion -benchtime 1x
func BenchmarkImportLeadsMillion(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	file := filepath.Join(b.TempDir(), "leads.csv")
	writeBenchCSV(b, file, benchRows)
	st, _ := os.Stat(file)

	// The leads already there, written by Postgres itself.
	err := pgx.BeginFunc(ctx, w.store.Pool(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('godmode.workspace_id', $1, true)`, fmt.Sprint(w.ws.ID)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO leads (workspace_id, email, metadata)
			SELECT $1, 'old' || g || '@example' || (g % 1000) || '.com',
				jsonb_build_object('first_name', 'Old' || g, 'industry', (ARRAY['Solar','Roofing','HVAC'])[1 + g % 3], 'score', g % 100)
			FROM generate_series(1, $2::int) g`, w.ws.ID, benchRows)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	w.store.Pool().Exec(ctx, `ANALYZE leads`)

	var psqlRate float64
	b.Run("psql-copy", func(b *testing.B) {
		bin, err := db.FindPostgresBinaries()
		if err != nil {
			b.Fatal(err)
		}
		url := w.store.Pool().Config().ConnString()
		cols := "email text, first_name text, last_name text, company text, title text, industry text, city text, state text, score text, verified text, phone text, website text"
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			out, err := exec.Command(filepath.Join(bin, "psql"), url, "-X", "-q", "-v", "ON_ERROR_STOP=1",
				"-c", "CREATE TEMP TABLE plain_staging ("+cols+")",
				"-c", fmt.Sprintf(`\copy plain_staging FROM '%s' WITH (FORMAT csv, HEADER true)`, file)).CombinedOutput()
			if err != nil {
				b.Fatalf("psql: %v\n%s", err, out)
			}
		}
		psqlRate = float64(benchRows*b.N) / time.Since(start).Seconds()
		b.ReportMetric(psqlRate, "rows/s")
	})

	b.Run("godmode", func(b *testing.B) {
		var elapsed, staging time.Duration
		var res model.LeadImportResult
		heap := heapPeak(func() {
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				f, err := os.Open(file)
				if err != nil {
					b.Fatal(err)
				}
				began := time.Now()
				res, err = w.console.ImportLeads(ctx, w.super, model.LeadImport{Workspace: w.ws.Slug, Name: "leads.csv", Source: f, Size: st.Size(),
					Progress: func(p model.LeadImportProgress) {
						if p.Phase == "merging" {
							staging += time.Since(began)
						}
					}})
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
			elapsed = time.Since(start)
			b.StopTimer()
		})
		if res.Rows != benchRows || res.Inserted+res.Updated != benchRows {
			b.Fatalf("result %+v", res)
		}
		rate := float64(benchRows*b.N) / elapsed.Seconds()
		b.ReportMetric(rate, "rows/s")
		if psqlRate > 0 {
			b.ReportMetric(rate/psqlRate, "x-psql")
		}
		// Reading, checking and COPYing into staging alone, the part that
		// does what psql's \copy does; the rest is the merge into leads.
		b.ReportMetric(float64(benchRows*b.N)/staging.Seconds(), "staging-rows/s")
		b.ReportMetric(heap, "peak-heap-MiB")
		b.ReportMetric(peakRSS(b), "VmHWM-MiB")
	})
}
