package cachedir_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/support-steward/steward/internal/cachedir"
)

// A file is written whole and read back; a missing one is fs.ErrNotExist;
// one over the bound, a directory or a named pipe is refused, and a pipe
// is refused without waiting on it.
func TestReadTakesOnlyWhatAWriteCouldHaveMade(t *testing.T) {
	dir := t.TempDir()
	if err := cachedir.Write(filepath.Join(dir, "new"), "a.json", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := cachedir.Write(filepath.Join(dir, "new"), "a.json", []byte("two")); err != nil {
		t.Fatal(err)
	}
	if got, err := cachedir.Read(filepath.Join(dir, "new", "a.json"), 3); err != nil || string(got) != "two" {
		t.Errorf("read back %q, %v", got, err)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "new")); len(left) != 1 {
		t.Errorf("%d files after two writes, want the one", len(left))
	}
	if _, err := cachedir.Read(filepath.Join(dir, "new", "a.json"), 2); err == nil {
		t.Error("a file over the bound was read")
	}
	if _, err := cachedir.Read(filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := cachedir.Read(dir, 10); err == nil {
		t.Error("a directory was read")
	}
	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := cachedir.Read(pipe, 10); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a named pipe was read")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a named pipe blocked")
	}
}
