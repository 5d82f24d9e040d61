package health

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ReportFile is the last report, kept in STEWARD_CACHE_DIR by the run that
// made it, for the readers that cannot ask FreshDesk themselves (the team
// page of `schedule --format html` and of `serve`).
const ReportFile = "health-report.json"

// maxReportBytes bounds a saved report read back (104 weeks is ~200 KiB).
const maxReportBytes = 8 << 20

// Save writes the report to dir as its JSON contract, atomically.
func (r Report) Save(dir string) error {
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		return fmt.Errorf("saving the health report: %w", err)
	}
	if err := writeAtomic(dir, ReportFile, b.Bytes()); err != nil {
		return fmt.Errorf("saving the health report: %w", err)
	}
	return nil
}

// LoadReport reads the report saved in dir. ok is false, with no error,
// when none was saved; a file that is not a report of this version is an
// error naming it.
func LoadReport(dir string) (r Report, ok bool, err error) {
	path := filepath.Join(dir, ReportFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Report{}, false, nil
	}
	if err != nil {
		return Report{}, false, fmt.Errorf("reading the health report: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxReportBytes+1))
	if err != nil {
		return Report{}, false, fmt.Errorf("reading the health report %s: %w", path, err)
	}
	if len(data) > maxReportBytes {
		return Report{}, false, fmt.Errorf("the health report %s is over %d MiB", path, maxReportBytes>>20)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return Report{}, false, fmt.Errorf("the health report %s is not valid JSON: %v", path, err)
	}
	if r.Version != FormatVersion {
		return Report{}, false, fmt.Errorf("%s is a version %d health report, this steward reads version %d: run `steward report` again", path, r.Version, FormatVersion)
	}
	if r.loc, err = time.LoadLocation(r.Timezone); err != nil {
		return Report{}, false, fmt.Errorf("the health report %s: timezone %q: %v", path, r.Timezone, err)
	}
	return r, true, nil
}

// PageSection is the "Support health" section of the team-roles page from
// the report saved in dir: "" when none was saved (or dir is ""). The
// page is not authenticated (`steward serve` answers GET / to anyone), so
// it shows the team's weekly figures and not the hubs': a hub is a
// customer, and which customers wrote how often stays on GitHub and in
// `steward report`.
func PageSection(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	r, ok, err := LoadReport(dir)
	if !ok || err != nil {
		return "", err
	}
	r.Hubs = nil
	section, err := r.HTML()
	if err != nil {
		return "", fmt.Errorf("the health report in %s: %w", dir, err)
	}
	return section, nil
}
