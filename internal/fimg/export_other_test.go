//go:build !amd64 || purego

package fimg

func setPortable(bool) bool { return true }
