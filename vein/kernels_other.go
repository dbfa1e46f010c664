//go:build !amd64 || purego

package vein

func bilateralRow(dst, win []float32) { bilateralRowGo(dst, win) }
