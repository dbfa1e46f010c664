package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoRealData is returned by RealDataDir when the real image folder is
// absent.
var ErrNoRealData = errors.New("dataset: real palm data not found")

// RealDataDir returns the folder of real palm images, ../shared/data next to
// the module root, where the module root is the nearest folder above the
// working directory that holds go.mod. It returns an error wrapping
// ErrNoRealData when there is no module root or the folder has no
// MANIFEST.tsv. Tests use it to find the data and skip when it is absent;
// the images must never be copied into the repository.
func RealDataDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", ErrNoRealData)
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(data, "MANIFEST.tsv")); err != nil {
		return "", fmt.Errorf("%w: no %s", ErrNoRealData, filepath.Join(data, "MANIFEST.tsv"))
	}
	return data, nil
}

// ReadRealManifest reads MANIFEST.tsv from RealDataDir.
func ReadRealManifest() (*Manifest, error) {
	dir, err := RealDataDir()
	if err != nil {
		return nil, err
	}
	return ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
}
