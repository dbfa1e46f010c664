package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/palmid/palmid/internal/realism"
)

func init() {
	register(command{
		name:    "realism",
		summary: "compare synthetic palms with the real images in ../shared/data (statistics, NCC EER, figures)",
		run:     runRealism,
	})
}

func runRealism(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("realism", "[--identities N] [--samples K] [--out DIR] [--data DIR]", stderr)
	d := realism.DefaultOptions
	seed := fs.Uint64("seed", d.Seed, "synthetic population seed")
	n := fs.Int("identities", d.Identities, "synthetic identities")
	k := fs.Int("samples", d.Samples, "captures per synthetic identity")
	data := fs.String("data", "", "folder of real images with MANIFEST.tsv (default ../shared/data next to the module)")
	out := fs.String("out", "", "write REPORT.md, report.json and figures to this folder (default: print the report only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "realism: rendering %d identities x %d samples and reading the real sets...\n", *n, *k)
	r, err := realism.Run(realism.Options{Seed: *seed, Identities: *n, Samples: *k, DataDir: *data})
	if err != nil {
		return err
	}
	md := r.Markdown()
	if *out == "" {
		fmt.Fprint(stdout, md)
	} else {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*out, "REPORT.md"), []byte(md), 0o644); err != nil {
			return err
		}
		js, err := r.JSON()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*out, "report.json"), js, 0o644); err != nil {
			return err
		}
		if err := r.WriteFigure(*out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote REPORT.md, report.json and figures to %s\n", *out)
	}
	if easier := r.Easier(); len(easier) > 0 {
		return fmt.Errorf("synth is easier than real data for the NCC baseline on: %s", strings.Join(easier, ", "))
	}
	return nil
}
