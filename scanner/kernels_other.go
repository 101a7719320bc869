//go:build !amd64 || purego

package scanner

func blockStats(pix []byte, stride, n int, negative bool, sum []uint16, lo, hi []uint8) {
	blockStatsGo(pix, stride, n, negative, sum, lo, hi)
}

func below(pix, thr []byte, negative bool, words []uint32) {
	belowGo(pix, thr, negative, words)
}
