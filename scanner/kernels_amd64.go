//go:build amd64 && !purego

package scanner

// blockStats is blockStatsGo, in SSE2: minimum and maximum are exact for
// every block.
func blockStats(pix []byte, stride, n int, negative bool, sum []uint16, lo, hi []uint8) {
	if n <= 0 {
		return
	}
	_ = pix[7*stride+8*n-1] // the assembly reads exactly these rows
	_, _, _ = sum[n-1], lo[n-1], hi[n-1]
	blockStatsSSE2(&pix[0], stride, n, negative, &sum[0], &lo[0], &hi[0])
}

// below is belowGo, in SSE2.
func below(pix, thr []byte, negative bool, words []uint32) {
	n := len(words)
	if n == 0 {
		return
	}
	_, _ = pix[32*n-1], thr[32*n-1]
	belowSSE2(&pix[0], &thr[0], n, negative, &words[0])
}

//go:noescape
func blockStatsSSE2(pix *byte, stride, n int, negative bool, sum *uint16, lo, hi *uint8)

//go:noescape
func belowSSE2(pix, thr *byte, n int, negative bool, words *uint32)
