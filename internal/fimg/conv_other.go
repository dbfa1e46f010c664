//go:build !amd64 || purego

package fimg

func conv(dst, src, k []float32, stride int) { convGo(dst, src, k, stride) }
