package evalrun

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palmid/palmid/eval"
	"github.com/palmid/palmid/internal/dataset"
)

// Method names accepted by Options.Method.
const (
	Auto     = "auto"
	NCC      = "ncc"
	PalmCode = "palmcode"
	Vein     = "vein"
	Fused    = "fused"
)

// Methods lists the accepted method names.
var Methods = []string{Auto, NCC, PalmCode, Vein, Fused}

// FusionRule describes how fused scores are made (see the package
// documentation).
const FusionRule = "vein.Fusion (weighted sum of z-normalised palm code and vein scores, weight of vein.DefaultFusion) with each score's mean and deviation taken over all pairs of its group (label-free)"

// Options configure Run. The zero value evaluates every set with the auto
// method on two workers.
type Options struct {
	// Method is one of Methods; "" means Auto.
	Method string
	// Sets restricts the evaluation to these sets; nil means all.
	Sets []string
	// Workers is the number of goroutines; 0 means min(2, NumCPU).
	Workers int
	// DebugDir, if not empty, receives every ROI as a PNG and
	// failures.tsv. Nothing is written when it is empty.
	DebugDir string
	// TruthROI places the ROIs of whole images from the manifest's
	// ground-truth columns instead of the hand finder.
	TruthROI bool
	// RequireOpen makes the hand finder reject hands with fingers touching
	// above a valley (palm.Options.RequireOpen).
	RequireOpen bool
	// ClassicValleys finds the hand and its valleys by the image cues
	// alone, without the learned hand locator, side check and valley
	// refinement (palm.Options.ClassicValleys), for comparison.
	ClassicValleys bool
	// Progress, if not nil, is called from one goroutine at a time as work
	// advances: stage names the work ("extracting", "comparing").
	Progress func(stage string, done, total int)
}

// Result is the outcome of Run.
type Result struct {
	Data    string `json:"data"`
	Method  string `json:"method"`
	ROI     string `json:"roi"` // how whole images were turned into ROIs
	Fusion  string `json:"fusion,omitempty"`
	Workers int    `json:"workers"`
	// Listed counts the manifest's entries in the selected sets.
	Listed int `json:"listed"`
	// SetsNotFound names the sets asked for that the manifest lacks.
	SetsNotFound []string `json:"sets_not_found,omitempty"`
	// Unreadable counts the listed files that could not be read or
	// decoded, by reason; Files names them.
	Unreadable Failures       `json:"unreadable"`
	Files      []FileFailure  `json:"unreadable_files,omitempty"`
	Groups     []*GroupResult `json:"groups"`
	WallS      float64        `json:"wall_s"`
}

// FileFailure names one file that failed and why.
type FileFailure struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Failures counts attempts, failures and the failures' reasons.
type Failures struct {
	Attempts int            `json:"attempts"`
	Failures int            `json:"failures"`
	Reasons  map[string]int `json:"reasons,omitempty"`
}

func (f *Failures) add(err error) {
	f.Attempts++
	if err == nil {
		return
	}
	f.Failures++
	if f.Reasons == nil {
		f.Reasons = map[string]int{}
	}
	f.Reasons[Reason(err)]++
}

// Rate returns Failures/Attempts, or 0 when there was no attempt.
func (f Failures) Rate() float64 {
	if f.Attempts == 0 {
		return 0
	}
	return float64(f.Failures) / float64(f.Attempts)
}

// GroupResult is the evaluation of one set and modality with one method.
type GroupResult struct {
	Set        string `json:"set"`
	Modality   string `json:"modality"`
	Method     string `json:"method"`
	Images     int    `json:"images"`
	Identities int    `json:"identities"`
	// FTA counts the images (captures, for fused) without a usable template
	// for this method, by reason.
	FTA Failures `json:"fta"`
	// Note explains a group that was not evaluated with this method.
	Note string `json:"note,omitempty"`
	// All compares all pairs; CrossSession only pairs across sessions, and
	// is nil for groups without sessions.
	All          *eval.Report `json:"all_pairs,omitempty"`
	CrossSession *eval.Report `json:"cross_session,omitempty"`
}

// Reason returns the counted reason of a failure: "missing file" for files
// that do not exist, otherwise the message of the innermost wrapped error
// (the sentinel, for errors wrapped with %w).
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var me *missingError
	if errors.As(err, &me) {
		return "missing file"
	}
	var ue *unreadableError
	if errors.As(err, &ue) {
		if errors.Is(err, dataset.ErrTooLarge) {
			return "image too large"
		}
		return "unreadable image"
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	msg := err.Error()
	if len(msg) > 80 {
		msg = msg[:80] + "…"
	}
	return msg
}

// Run evaluates the manifest m as opts say. It returns an error only for
// bad options; every failure of an image is counted in the result.
func Run(m *dataset.Manifest, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Method == "" {
		o.Method = Auto
	}
	known := false
	for _, n := range Methods {
		known = known || n == o.Method
	}
	if !known {
		return nil, fmt.Errorf("evalrun: unknown method %q (want one of %s)", o.Method, strings.Join(Methods, ", "))
	}
	if o.Workers <= 0 {
		o.Workers = min(2, runtime.NumCPU())
	}
	start := time.Now()
	res := &Result{Data: m.Dir, Method: o.Method, Workers: o.Workers, ROI: roiSource(&o)}
	if o.Method == Auto || o.Method == Fused {
		res.Fusion = FusionRule
	}
	var entries []dataset.Entry
	if o.Sets == nil {
		entries = m.Entries
	} else {
		keep := map[string]bool{}
		for _, s := range o.Sets {
			keep[s] = true
		}
		entries = m.Select(func(e dataset.Entry) bool { return keep[e.Set] })
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Set] = true
		}
		for _, s := range o.Sets {
			if !seen[s] {
				res.SetsNotFound = append(res.SetsNotFound, s)
			}
		}
	}
	res.Listed = len(entries)

	items := extractAll(m, entries, &o)
	for _, it := range items {
		if it.readErr != nil {
			res.Unreadable.add(it.readErr)
			res.Files = append(res.Files, FileFailure{it.e.Path, Reason(it.readErr)})
		} else {
			res.Unreadable.add(nil)
		}
	}
	if o.DebugDir != "" {
		if err := writeFailures(o.DebugDir, items); err != nil {
			return nil, err
		}
	}

	rows := plan(items, o.Method)
	var total int
	for _, r := range rows {
		total += r.work()
	}
	var done atomic.Int64
	var pmu sync.Mutex
	report := func() {
		if o.Progress != nil {
			pmu.Lock()
			o.Progress("comparing", int(done.Load()), total)
			pmu.Unlock()
		}
	}
	cache := map[matrixKey]*matrix{}
	for _, r := range rows {
		res.Groups = append(res.Groups, r.evaluate(cache, o.Workers, func(n int) { done.Add(int64(n)); report() }))
	}
	res.WallS = time.Since(start).Seconds()
	return res, nil
}

func roiSource(o *Options) string {
	if o.TruthROI {
		return "whole images: ground-truth columns of the manifest; ROI images as they are"
	}
	finder := finderName
	if o.ClassicValleys {
		finder += ", valleys by the image cues alone"
	}
	if o.RequireOpen {
		finder += ", hands with fingers touching above a valley rejected"
	}
	return "whole images: " + finder + "; ROI images as they are"
}

// groupKey orders groups by set, then modality.
type groupKey struct{ set, modality string }

func sortedKeys[V any](m map[groupKey]V) []groupKey {
	keys := make([]groupKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].set != keys[b].set {
			return keys[a].set < keys[b].set
		}
		return keys[a].modality < keys[b].modality
	})
	return keys
}
