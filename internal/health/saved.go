package health

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/support-steward/steward/internal/cachedir"
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
	if err := cachedir.Write(dir, ReportFile, b.Bytes()); err != nil {
		return fmt.Errorf("saving the health report: %w", err)
	}
	return nil
}

// LoadReport reads the report saved in dir. ok is false, with no error,
// when none was saved; a file that is not a report of this version is an
// error naming it.
func LoadReport(dir string) (r Report, ok bool, err error) {
	path := filepath.Join(dir, ReportFile)
	data, err := cachedir.Read(path, maxReportBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return Report{}, false, nil
	}
	if err != nil {
		return Report{}, false, fmt.Errorf("reading the health report: %w", err)
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
	if err := r.check(); err != nil {
		return Report{}, false, fmt.Errorf("the health report %s: %v", path, err)
	}
	return r, true, nil
}

// check refuses a saved report no run could have made (edited by hand, or
// damaged), before anything draws it.
func (r Report) check() error {
	if len(r.Weeks) == 0 || len(r.Weeks) > MaxWeeks {
		return fmt.Errorf("%d weeks, not 1 to %d", len(r.Weeks), MaxWeeks)
	}
	figures := []Figures{r.Total}
	for _, w := range r.Weeks {
		figures = append(figures, w.Figures)
	}
	for _, h := range r.Hubs {
		figures = append(figures, h.Figures)
	}
	for _, f := range figures {
		for _, n := range []int{f.Received.Total, f.Received.Low, f.Received.Medium, f.Received.High, f.Received.Urgent, f.Received.Other,
			f.Received.Event, f.Received.HubDown, f.FirstResponse.Met, f.FirstResponse.Missed, f.FirstResponse.NotYetDue,
			f.FirstResponse.Answered, f.Updates.TicketDays, f.Updates.OnTime, f.Updates.Unknown, f.Resolved.Count} {
			if n < 0 || n > 1e7 {
				return fmt.Errorf("a count of %d", n)
			}
		}
		for _, p := range []*float64{f.FirstResponse.PercentMet, f.Updates.PercentOnTime} {
			if p != nil && !(*p >= 0 && *p <= 100) {
				return fmt.Errorf("a share of %v%%", *p)
			}
		}
		for _, d := range []*float64{f.FirstResponse.MedianHours, f.FirstResponse.P90Hours, f.Resolved.MedianDays} {
			if d != nil && !(*d >= 0 && *d <= 1e6) {
				return fmt.Errorf("a time of %v", *d)
			}
		}
	}
	return nil
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
