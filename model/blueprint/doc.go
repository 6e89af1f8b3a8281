// Package blueprint is the UI-free, storage-free logic of the blueprint
// vault: reading workflow files in the shapes people publish them, refusing
// what n8n would refuse or could not run, normalising what is left to what
// n8n's create call accepts, hashing it, running the detector over it, and
// comparing two versions node by node. It never imports the database, n8n
// or Bubble Tea.
package blueprint
