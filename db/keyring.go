package db

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Keyring holds the master keys that encrypt n8n API keys at rest
// (AES-256-GCM). The first key encrypts; every key decrypts, so old rows stay
// readable until `godmode keys rotate` re-encrypts them. A key's id is derived
// from the key itself, so ids never need to be typed or kept in step.
type Keyring struct {
	primary string
	keys    map[string]cipher.AEAD
}

// The environment variables a keyring is read from.
const (
	EnvMasterKey     = "GODMODE_MASTER_KEY"      // base64 of 32 bytes: the current key
	EnvOldMasterKeys = "GODMODE_OLD_MASTER_KEYS" // comma-separated base64 keys still accepted for reading
	EnvMasterKeyFile = "GODMODE_MASTER_KEY_FILE" // a file: one base64 key per line, current first
)

// legacyAAD is the associated data of API keys sealed before migration
// 00006: it names the purpose only, so such a ciphertext opens in any row.
// Rows still sealed this way are re-sealed bound by `godmode keys rotate`.
var legacyAAD = []byte("godmode/n8n_instances.api_key/v1")

// APIKeyAAD is the associated data of an instance's API key: the purpose,
// the row's id and the base URL the key may be sent to. A ciphertext copied
// to another row, or left in a row whose URL was changed, does not open.
func APIKeyAAD(instanceID int64, baseURL string) []byte {
	return fmt.Appendf(nil, "godmode/n8n_instances.api_key/v2\x00%d\x00%s", instanceID, baseURL)
}

// NewKeyring builds a keyring from raw 32-byte keys, the first one current.
func NewKeyring(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("master key: none given")
	}
	kr := &Keyring{keys: map[string]cipher.AEAD{}}
	for i, k := range keys {
		if len(k) != 32 {
			return nil, fmt.Errorf("master key %d: %d bytes, want 32 (AES-256)", i+1, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		if i == 0 {
			kr.primary = id
		}
		kr.keys[id] = gcm
	}
	return kr, nil
}

// KeyID names a key without revealing it: a prefix of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return "k" + hex.EncodeToString(sum[:6])
}

// GenerateKey returns a fresh random master key, base64-encoded.
func GenerateKey() string {
	k := make([]byte, 32)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// KeyringFromEnv reads the keyring from GODMODE_MASTER_KEY (+
// GODMODE_OLD_MASTER_KEYS) or, failing that, from the file named by
// GODMODE_MASTER_KEY_FILE or fallbackFile.
func KeyringFromEnv(fallbackFile string) (*Keyring, error) {
	if v := strings.TrimSpace(os.Getenv(EnvMasterKey)); v != "" {
		lines := []string{v}
		for _, old := range strings.Split(os.Getenv(EnvOldMasterKeys), ",") {
			if old = strings.TrimSpace(old); old != "" {
				lines = append(lines, old)
			}
		}
		return parseKeys(lines, EnvMasterKey)
	}
	file := MasterKeyFile(fallbackFile)
	if file == "" {
		return nil, fmt.Errorf("no master key: set %s (generate one with `godmode keys generate`) or %s", EnvMasterKey, EnvMasterKeyFile)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("no master key: %s is not set and the key file cannot be read: %w", EnvMasterKey, err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return parseKeys(lines, file)
}

// MasterKeyFile names the file KeyringFromEnv reads the keys from, or ""
// when they come from the environment (or from nowhere).
func MasterKeyFile(fallbackFile string) string {
	if strings.TrimSpace(os.Getenv(EnvMasterKey)) != "" {
		return ""
	}
	if f := os.Getenv(EnvMasterKeyFile); f != "" {
		return f
	}
	return fallbackFile
}

func parseKeys(lines []string, where string) (*Keyring, error) {
	keys := make([][]byte, 0, len(lines))
	for i, l := range lines {
		k, err := base64.StdEncoding.DecodeString(l)
		if err != nil {
			return nil, fmt.Errorf("%s: key %d is not base64", where, i+1)
		}
		keys = append(keys, k)
	}
	kr, err := NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return kr, nil
}

// Primary is the id of the key new ciphertexts are made with.
func (k *Keyring) Primary() string { return k.primary }

// Has says whether the keyring holds the key with this id.
func (k *Keyring) Has(keyID string) bool { _, ok := k.keys[keyID]; return ok }

// Seal encrypts plaintext with the current key, bound to the associated
// data ad: nonce || ciphertext || tag.
func (k *Keyring) Seal(plaintext, ad []byte) (ct []byte, keyID string) {
	gcm := k.keys[k.primary]
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return gcm.Seal(nonce, nonce, plaintext, ad), k.primary
}

// Open decrypts a ciphertext made under keyID with the associated data ad.
func (k *Keyring) Open(ct []byte, keyID string, ad []byte) ([]byte, error) {
	gcm, ok := k.keys[keyID]
	if !ok {
		return nil, fmt.Errorf("encrypted with master key %s, which is not in the keyring (add it to %s to read it)", keyID, EnvOldMasterKeys)
	}
	if len(ct) < gcm.NonceSize()+gcm.Overhead() {
		return nil, errors.New("ciphertext too short")
	}
	pt, err := gcm.Open(nil, ct[:gcm.NonceSize()], ct[gcm.NonceSize():], ad)
	if err != nil {
		return nil, fmt.Errorf("ciphertext does not open under master key %s (tampered, or a different key with the same id)", keyID)
	}
	return pt, nil
}
