package uitest

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Run executes cmd the way Bubble Tea would (batches fan out) and returns
// the messages that arrive within wait. Timers (poll ticks, spinner frames,
// status expiry) outlast a short wait and are left out, which is what an
// Update-level test wants: only the work the command itself does.
func Run(cmd tea.Cmd, wait time.Duration) []tea.Msg {
	var (
		mu  sync.Mutex
		out []tea.Msg
		wg  sync.WaitGroup
	)
	deadline := time.Now().Add(wait)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		wg.Add(1)
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		go func() {
			defer wg.Done()
			select {
			case msg := <-done:
				if b, ok := msg.(tea.BatchMsg); ok {
					for _, sub := range b {
						run(sub)
					}
					return
				}
				if msg != nil {
					mu.Lock()
					out = append(out, msg)
					mu.Unlock()
				}
			case <-time.After(time.Until(deadline)):
			}
		}()
	}
	run(cmd)
	wg.Wait()
	return out
}
