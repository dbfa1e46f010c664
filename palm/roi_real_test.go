package palm

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/palmid/palmid/internal/dataset"
)

// realData is the folder of real images (see its README).
const realData = "../../shared/data"

// wholeHand reports whether a manifest modality holds whole hands.
func wholeHand(modality string) bool { return modality == "visible-hand" || modality == "nir-palm" }

// realHands returns the manifest's whole-hand entries, skipping the test
// when the data is absent.
func realHands(t *testing.T) (*dataset.Manifest, []dataset.Entry) {
	t.Helper()
	man, err := dataset.ReadFile(filepath.Join(realData, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("real images not available (%v): skipping", err)
	}
	es := man.Select(func(e dataset.Entry) bool { return wholeHand(e.Modality) })
	if len(es) == 0 {
		t.Skip("no whole-hand images in ../shared/data: skipping")
	}
	return man, es
}

// TestRealROI runs FindROI on every whole-hand image of ../shared/data and
// logs the success rate per set. With PALMID_ROI_DEBUG=DIR it writes a
// debug PNG per image into DIR (the working image with the silhouette,
// outline, keypoints and ROI square, and the ROI beside it). DIR must be
// outside the repository: real images are never stored in it.
func TestRealROI(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the real images")
	}
	man, es := realHands(t)
	dir := os.Getenv("PALMID_ROI_DEBUG")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	type tally struct{ n, ok, missing int }
	sets := map[string]*tally{}
	reasons := map[string]map[string]int{}
	for _, e := range es {
		tl := sets[e.Set]
		if tl == nil {
			tl = &tally{}
			sets[e.Set] = tl
			reasons[e.Set] = map[string]int{}
		}
		img, err := dataset.LoadImage(man.File(e))
		if err != nil {
			tl.missing++
			continue
		}
		tl.n++
		var ov, roiImg image.Image
		hd, err := FindROI(img, &Options{Sink: func(name string, im image.Image) {
			switch name {
			case "keypoints":
				ov = im
			case "contour":
				if ov == nil {
					ov = im
				}
			case "roi":
				roiImg = im
			}
		}})
		if err == nil {
			tl.ok++
		} else {
			reasons[e.Set][errName(err)]++
		}
		if testing.Verbose() {
			t.Logf("%s: %v %s", e.Path, err, describe(hd))
		}
		if dir != "" && ov != nil {
			name := filepath.Join(dir, strings.ReplaceAll(e.Path, "/", "_")+".png")
			writeDebug(t, name, ov, roiImg, err)
		}
	}
	names := make([]string, 0, len(sets))
	for n := range sets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		tl := sets[n]
		t.Logf("%-14s ROI found in %d of %d images (%d unreadable), rejections %v", n, tl.ok, tl.n, tl.missing, reasons[n])
	}
}

// describe prints a hand's landmarks and quality on one line.
func describe(hd *Hand) string {
	if hd == nil {
		return ""
	}
	l := &hd.Landmarks
	return fmt.Sprintf("side %v valleys (%.0f,%.0f) (%.0f,%.0f) (%.0f,%.0f) width %.0f quality %+v",
		l.Side, l.Valleys[0].X, l.Valleys[0].Y, l.Valleys[1].X, l.Valleys[1].Y, l.Valleys[2].X, l.Valleys[2].Y, l.PalmWidth, hd.Quality)
}

// writeDebug writes the overlay with the ROI to its right.
func writeDebug(t *testing.T, name string, ov, roiImg image.Image, err error) {
	b := ov.Bounds()
	w := b.Dx()
	if roiImg != nil {
		w += roiImg.Bounds().Dx() + 4
	}
	out := image.NewRGBA(image.Rect(0, 0, w, max(b.Dy(), 132)))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.RGBA{40, 40, 40, 255}), image.Point{}, draw.Src)
	draw.Draw(out, b.Sub(b.Min), ov, b.Min, draw.Src)
	if roiImg != nil {
		r := roiImg.Bounds()
		draw.Draw(out, image.Rect(b.Dx()+4, 0, b.Dx()+4+r.Dx(), r.Dy()), roiImg, r.Min, draw.Src)
	}
	if err != nil {
		// a red frame marks a rejection
		for x := 0; x < b.Dx(); x++ {
			out.Set(x, 0, color.RGBA{255, 0, 0, 255})
			out.Set(x, b.Dy()-1, color.RGBA{255, 0, 0, 255})
		}
	}
	f, e := os.Create(name)
	if e != nil {
		t.Fatal(e)
	}
	bw := bufio.NewWriter(f)
	if e := png.Encode(bw, out); e != nil {
		t.Fatal(e)
	}
	bw.Flush()
	f.Close()
}
