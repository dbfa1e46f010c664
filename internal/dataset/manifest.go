package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Core column names, in the order [Writer] writes them.
var CoreColumns = [...]string{"path", "set", "modality", "person", "hand", "sample"}

// ErrFormat is wrapped by every manifest parse error.
var ErrFormat = errors.New("dataset: malformed manifest")

// maxLine bounds the length of one manifest line.
const maxLine = 1 << 20

// ParseError reports a malformed manifest line.
type ParseError struct {
	Line int    // 1-based line number; the header is line 1
	Msg  string // what is wrong
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("dataset: manifest line %d: %s", e.Line, e.Msg)
}

// Unwrap returns [ErrFormat].
func (e *ParseError) Unwrap() error { return ErrFormat }

// Entry is one image listed in a manifest.
type Entry struct {
	Path     string // relative to the manifest's folder, slash-separated
	Set      string // data set name, e.g. "tongji-roi"
	Modality string // visible-hand, visible-roi, nir-palm, nir-roi, spoof, ...
	Person   string // person id, unique within Set
	Hand     string // L, R or ?
	Sample   string // sample name, unique within a palm

	// Extra holds the values of the manifest's extra columns by column
	// name. It may be nil when there are none.
	Extra map[string]string
}

// Identity returns the palm identity "set/person/hand". Two entries show the
// same palm exactly when their identities are equal; see the package
// documentation for sets that pair palms in other ways.
func (e Entry) Identity() string {
	return e.Set + "/" + e.Person + "/" + e.Hand
}

// Session returns the capture session encoded at the start of Sample as
// "s<digits>_", such as "s2" for "s2_05", or "" when Sample has no such
// prefix.
func (e Entry) Session() string {
	s := e.Sample
	if len(s) < 3 || s[0] != 's' {
		return ""
	}
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 1 || i >= len(s) || s[i] != '_' {
		return ""
	}
	return s[:i]
}

// Manifest is a parsed manifest.
type Manifest struct {
	// Dir is the folder that entry paths are relative to; "" means the
	// current directory.
	Dir string
	// Columns names the extra columns in file order.
	Columns []string
	Entries []Entry
}

// File returns the file name of e: Dir joined with e.Path.
func (m *Manifest) File(e Entry) string {
	return filepath.Join(m.Dir, filepath.FromSlash(e.Path))
}

// Select returns the entries for which keep returns true, in order.
func (m *Manifest) Select(keep func(Entry) bool) []Entry {
	var out []Entry
	for _, e := range m.Entries {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// Set returns the entries of the named data set, in order.
func (m *Manifest) Set(name string) []Entry {
	return m.Select(func(e Entry) bool { return e.Set == name })
}

// ReadFile reads the manifest in the named file. The returned manifest's Dir
// is the file's folder.
func ReadFile(name string) (*Manifest, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m.Dir = filepath.Dir(name)
	return m, nil
}

// Read parses a manifest. Dir of the result is "".
func Read(r io.Reader) (*Manifest, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var (
		m       Manifest
		core    [len(CoreColumns)]int // field index of each core column
		extra   []int                 // field index of each extra column
		ncols   int
		line    int
		haveHdr bool
	)
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if !haveHdr {
			haveHdr = true
			ncols = len(fields)
			for i := range core {
				core[i] = -1
			}
			seen := make(map[string]bool)
			for i, name := range fields {
				if name == "" {
					return nil, &ParseError{line, fmt.Sprintf("header column %d has no name", i+1)}
				}
				if seen[name] {
					return nil, &ParseError{line, fmt.Sprintf("header names column %q twice", name)}
				}
				seen[name] = true
				if k := coreIndex(name); k >= 0 {
					core[k] = i
				} else {
					extra = append(extra, i)
					m.Columns = append(m.Columns, name)
				}
			}
			for k, i := range core {
				if i < 0 {
					return nil, &ParseError{line, fmt.Sprintf("header lacks column %q", CoreColumns[k])}
				}
			}
			continue
		}
		if len(fields) != ncols {
			return nil, &ParseError{line, fmt.Sprintf("%d fields, header has %d", len(fields), ncols)}
		}
		var vals [len(CoreColumns)]string
		for k, i := range core {
			vals[k] = fields[i]
			if vals[k] == "" {
				return nil, &ParseError{line, fmt.Sprintf("empty %s", CoreColumns[k])}
			}
		}
		e := Entry{Path: vals[0], Set: vals[1], Modality: vals[2], Person: vals[3], Hand: vals[4], Sample: vals[5]}
		if err := checkPath(e.Path); err != nil {
			return nil, &ParseError{line, err.Error()}
		}
		if len(extra) > 0 {
			e.Extra = make(map[string]string, len(extra))
			for j, i := range extra {
				e.Extra[m.Columns[j]] = fields[i]
			}
		}
		m.Entries = append(m.Entries, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{line + 1, "line too long"}
		}
		return nil, err
	}
	if !haveHdr {
		return nil, &ParseError{1, "no header"}
	}
	return &m, nil
}

func coreIndex(name string) int {
	for k, c := range CoreColumns {
		if c == name {
			return k
		}
	}
	return -1
}

// checkPath rejects paths that would leave the manifest's folder.
func checkPath(p string) error {
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || filepath.IsAbs(p) {
		return fmt.Errorf("path %q is not relative and slash-separated", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return fmt.Errorf("path %q leaves the manifest folder", p)
		}
	}
	return nil
}

// Writer writes a manifest. It is not safe for concurrent use.
type Writer struct {
	w       *bufio.Writer
	columns []string
	known   map[string]bool
	buf     []string
	err     error
}

// NewWriter writes the header row naming the core columns followed by the
// extra columns, and returns a Writer for the rows. It returns an error if an
// extra column repeats or shadows a core column, or contains a tab or line
// break. Call Flush when done.
func NewWriter(w io.Writer, extra ...string) (*Writer, error) {
	known := make(map[string]bool, len(extra))
	for _, c := range extra {
		if c == "" || coreIndex(c) >= 0 || known[c] || strings.ContainsAny(c, "\t\r\n") {
			return nil, fmt.Errorf("dataset: bad extra column name %q", c)
		}
		known[c] = true
	}
	wr := &Writer{
		w:       bufio.NewWriter(w),
		columns: append([]string(nil), extra...),
		known:   known,
	}
	hdr := append(append([]string(nil), CoreColumns[:]...), extra...)
	wr.writeRow(hdr)
	return wr, wr.err
}

// Write writes one entry. Extra values missing from e.Extra are written
// empty. It returns an error, and writes nothing, if a core field is empty,
// a value contains a tab or line break, the path is not relative, or
// e.Extra names a column the Writer was not given.
func (w *Writer) Write(e Entry) error {
	if w.err != nil {
		return w.err
	}
	core := [...]string{e.Path, e.Set, e.Modality, e.Person, e.Hand, e.Sample}
	for k, v := range core {
		if v == "" {
			return fmt.Errorf("dataset: entry %q: empty %s", e.Path, CoreColumns[k])
		}
	}
	if err := checkPath(e.Path); err != nil {
		return fmt.Errorf("dataset: %v", err)
	}
	for name := range e.Extra {
		if !w.known[name] {
			return fmt.Errorf("dataset: entry %q: unknown column %q", e.Path, name)
		}
	}
	w.buf = append(w.buf[:0], core[:]...)
	for _, c := range w.columns {
		w.buf = append(w.buf, e.Extra[c])
	}
	for _, v := range w.buf {
		if strings.ContainsAny(v, "\t\r\n") {
			return fmt.Errorf("dataset: entry %q: value %q contains a tab or line break", e.Path, v)
		}
	}
	w.writeRow(w.buf)
	return w.err
}

// Flush writes any buffered data to the underlying writer and returns the
// first error met while writing.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	return w.err
}

func (w *Writer) writeRow(fields []string) {
	for i, f := range fields {
		if i > 0 {
			w.w.WriteByte('\t')
		}
		w.w.WriteString(f)
	}
	if err := w.w.WriteByte('\n'); err != nil && w.err == nil {
		w.err = err
	}
}

// WriteFile writes m's entries to the named file with m.Columns as the extra
// columns.
func WriteFile(name string, m *Manifest) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w, err := NewWriter(f, m.Columns...)
	if err == nil {
		for _, e := range m.Entries {
			if err = w.Write(e); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
