package match

// partition is the coarse quantiser of a partitioned gallery.
type partition struct {
	listOf []int32
}

func (p *partition) addRow(r int32, v []float32) {}
func (p *partition) moveRow(r, last int32)       {}
