package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// maxHostKeyFile caps the read of the host key: an OpenSSH private key,
// even RSA 8192, is a few KB.
const maxHostKeyFile = 64 << 10

// loadHostKey reads the server's private key, creating an ed25519 one
// (mode 0600, never over an existing file) when path does not exist, so a
// first start needs no ssh-keygen. Rotating it is replacing the file and
// restarting.
func loadHostKey(path string) (gossh.Signer, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("--host-key %s is readable by group or others (mode %04o): chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxHostKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	if len(b) > maxHostKeyFile {
		return nil, fmt.Errorf("--host-key %s: more than %d KB: not an SSH private key", path, maxHostKeyFile>>10)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("--host-key %s is not an unencrypted SSH private key (ssh-keygen -t ed25519 -N '' -f %s makes one): %v", path, path, err)
	}
	return signer, nil
}

func createHostKey(path string) (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "godmode serve host key")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	_, err = f.Write(pem.EncodeToMemory(block))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	return gossh.NewSignerFromKey(priv)
}
