package uitest

import "github.com/godmode-console/godmode/model"

// SetCapabilities sets what the instance with id was probed to do (nil:
// never probed).
func (b *Backend) SetCapabilities(id int64, c *model.Capabilities) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.instances {
		if b.instances[i].ID == id {
			b.instances[i].Capabilities = c
		}
	}
}
