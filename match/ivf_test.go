package match

import "testing"

func checkPartition(t *testing.T, g *Gallery) {}
