package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/palmid/palmid/synth"
)

func init() {
	register(command{
		name:    "synth",
		summary: "write a synthetic palm data set (images, MANIFEST.tsv with ground truth, contact sheet)",
		run:     runSynth,
	})
}

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth", "--out DIR [--identities N] [--samples K] [flags]", stderr)
	out := fs.String("out", "", "folder to write the data set to (required)")
	n := fs.Int("identities", 20, "number of identities")
	k := fs.Int("samples", 5, "captures per identity and modality")
	seed := fs.Uint64("seed", 1, "population seed")
	diff := fs.String("difficulty", "realistic", "nuisance level: easy, realistic or hard")
	mods := fs.String("modalities", "phone,nir-palm,nir-vein", "comma-separated modalities: phone, nir-palm, nir-vein")
	workers := fs.Int("workers", 0, "parallel workers (0: one per CPU)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "--out is required")
		fs.Usage()
		return errUsage
	}
	if *n <= 0 || *k <= 0 {
		return fmt.Errorf("--identities and --samples must be positive")
	}
	d, err := synth.ParseDifficulty(*diff)
	if err != nil {
		return err
	}
	ms, err := parseModalities(*mods)
	if err != nil {
		return err
	}
	p := newProgress(stderr, *n, "rendering identities")
	start := time.Now()
	err = synth.WriteDataset(*out, synth.DatasetOptions{
		Seed: *seed, Identities: *n, Samples: *k, Modalities: ms,
		Render: synth.Options{Difficulty: d}, Workers: *workers,
		Progress: func(done, _ int) { p.set(done) },
	})
	p.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d identities x %d samples x %d modalities to %s in %.1fs (MANIFEST.tsv, contact-sheet.png)\n",
		*n, *k, len(ms), *out, time.Since(start).Seconds())
	return nil
}

func parseModalities(s string) ([]synth.Modality, error) {
	var out []synth.Modality
	for _, f := range strings.Split(s, ",") {
		switch strings.TrimSpace(f) {
		case "phone":
			out = append(out, synth.Phone)
		case "nir-palm":
			out = append(out, synth.NIRPalm)
		case "nir-vein":
			out = append(out, synth.NIRVein)
		case "":
		default:
			return nil, fmt.Errorf("unknown modality %q (want phone, nir-palm or nir-vein)", f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no modality given")
	}
	return out, nil
}
