package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/palmid/palmid/internal/dataset"
	"github.com/palmid/palmid/internal/evalrun"
)

func init() {
	register(command{
		name:    "eval",
		summary: "evaluate any folder of palm images with a MANIFEST.tsv: FTA, EER, FNMR@FMR, rank-1 per set",
		run:     runEval,
	})
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "--data DIR [--method auto|ncc|palmcode|vein|fused] [--sets a,b] [--json] [--debug DIR] [--require-open] [--classic-valleys]", stderr)
	data := fs.String("data", "", "folder holding MANIFEST.tsv and the images it lists (required)")
	method := fs.String("method", evalrun.Auto, "recognition method: "+strings.Join(evalrun.Methods, ", "))
	sets := fs.String("sets", "", "comma-separated sets to evaluate (empty: all)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	debug := fs.String("debug", "", "write every ROI as a PNG and failures.tsv to this folder (empty: write nothing)")
	truth := fs.Bool("truth-roi", false, "cut whole images at the manifest's ground-truth ROI (synth data sets) instead of finding the hand")
	requireOpen := fs.Bool("require-open", false, "reject whole-hand images with fingers touching above a valley (palm.Options.RequireOpen)")
	classic := fs.Bool("classic-valleys", false, "find the hand and its valleys by the image cues alone, without the learned hand locator, side check and valley refinement (palm.Options.ClassicValleys), for comparison")
	workers := fs.Int("workers", 2, "parallel workers")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		fmt.Fprintln(stderr, "--data is required")
		fs.Usage()
		return errUsage
	}
	known := false
	for _, m := range evalrun.Methods {
		known = known || m == *method
	}
	if !known {
		fmt.Fprintf(stderr, "unknown --method %q\n", *method)
		fs.Usage()
		return errUsage
	}
	m, err := dataset.ReadFile(filepath.Join(*data, "MANIFEST.tsv"))
	if err != nil {
		return err
	}
	o := &evalrun.Options{Method: *method, Workers: *workers, DebugDir: *debug, TruthROI: *truth, RequireOpen: *requireOpen, ClassicValleys: *classic}
	if *sets != "" {
		for _, s := range strings.Split(*sets, ",") {
			if s = strings.TrimSpace(s); s != "" {
				o.Sets = append(o.Sets, s)
			}
		}
	}
	var p *progress
	stage := ""
	o.Progress = func(s string, done, total int) {
		if s != stage {
			if p != nil {
				p.finish()
			}
			stage, p = s, newProgress(stderr, total, s)
		}
		p.set(done)
	}
	res, err := evalrun.Run(m, o)
	if p != nil {
		p.finish()
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprint(stdout, res.Text())
	fmt.Fprintf(stdout, "\nwall time %.1fs on %d workers", res.WallS, res.Workers)
	if *debug != "" {
		fmt.Fprintf(stdout, "; ROIs and failures.tsv written under %s", *debug)
	}
	fmt.Fprintln(stdout)
	return nil
}
