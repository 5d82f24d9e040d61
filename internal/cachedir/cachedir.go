// Package cachedir owns reading and writing the files steward keeps
// between runs in STEWARD_CACHE_DIR (the support issue lists, conditional
// read answers, the health report's replies and last report): a file is
// written whole or not at all, and a reader takes only a regular file of
// bounded size, so nothing put there by mistake or by someone else (a
// named pipe, a device, a huge file) can block or swamp a run or the
// server.
package cachedir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Read returns the content of path, a regular file of at most max bytes.
// A missing file is an error satisfying errors.Is(err, fs.ErrNotExist).
func Read(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is over %d bytes", path, max)
	}
	return data, nil
}

// Write puts data in dir/name through a temporary file renamed over the
// old one (the directory made if need be), so a run that stops half way
// leaves the old file whole and a reader never sees half a file. It does
// not wait for the disk (conditional-read answers are written on every
// read): after a machine crash a file may be empty, and every reader
// takes a file it cannot read for a missing one.
func Write(dir, name string, data []byte) (err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// Mark is a moment kept in dir/name (port.Mark).
type Mark struct {
	Dir, Name string
}

// Get returns the kept moment; a missing or unreadable file keeps none.
func (m Mark) Get() (time.Time, bool) {
	data, err := Read(filepath.Join(m.Dir, m.Name), 1<<10)
	if err != nil {
		return time.Time{}, false
	}
	var kept struct {
		At time.Time `json:"at"`
	}
	if json.Unmarshal(data, &kept) != nil || kept.At.IsZero() {
		return time.Time{}, false
	}
	return kept.At, true
}

// Set keeps t.
func (m Mark) Set(t time.Time) {
	data, _ := json.Marshal(map[string]time.Time{"at": t})
	Write(m.Dir, m.Name, data) // losing it costs a read over the usual window only
}

// Name is the file name a store keeps key's entry under: prefix, then a
// digest of key (a key may hold any characters, and a name must not).
func Name(prefix, key string) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + "-" + hex.EncodeToString(sum[:8]) + ".json"
}
