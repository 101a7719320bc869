/* zbarscan: the ZBar peer of bench/scanpeers. For each PGM file it decodes
 * the grey image, already in memory, N times with a QR-only ZBar scanner
 * and prints one JSON line with the first symbol's text, the median time,
 * and "texts": every symbol of the last scan (ZBar finds all the codes of
 * an image in one scan, so listing them costs no decode of its own; it is
 * done after the clock stops).
 *
 * usage: zbarscan [--repeat N] FILE.pgm... */
#include <zbar.h>

#include "pgm.h"

int main(int argc, char **argv)
{
	int repeat;
	int first = parse_repeat(argc, argv, &repeat);
	if (first < 0) {
		fprintf(stderr, "usage: zbarscan [--repeat N] FILE.pgm...\n");
		return 2;
	}
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	double *t = malloc(sizeof(double) * repeat);
	char *text = NULL;
	for (int a = first; a < argc; a++) {
		int w, h;
		const char *err = NULL;
		unsigned char *pix = pgm_read(argv[a], &w, &h, &err);
		if (!pix) {
			print_result(argv[a], NULL, 0, 0, err, NULL, NULL, -1);
			continue;
		}
		size_t n = 0;
		int found = 0;
		const zbar_symbol_set_t *last = NULL;
		for (int r = 0; r < repeat; r++) {
			double start = now_ms();
			zbar_image_t *img = zbar_image_create();
			zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
			zbar_image_set_size(img, w, h);
			zbar_image_set_data(img, pix, (unsigned long)w * h, NULL);
			found = zbar_scan_image(sc, img) > 0;
			if (found && r == 0) {
				const zbar_symbol_t *sym = zbar_image_first_symbol(img);
				n = zbar_symbol_get_data_length(sym);
				free(text);
				text = malloc(n + 1);
				memcpy(text, zbar_symbol_get_data(sym), n);
			}
			if (r == repeat - 1) {
				/* A reference keeps the last scan's symbols past
				 * zbar_image_destroy, for the listing below. */
				last = zbar_image_get_symbols(img);
				if (last)
					zbar_symbol_set_ref(last, 1);
			}
			zbar_image_destroy(img);
			t[r] = now_ms() - start;
		}
		int count = last ? zbar_symbol_set_get_size(last) : 0;
		const char **texts = malloc(sizeof(char *) * (count + 1));
		size_t *lens = malloc(sizeof(size_t) * (count + 1));
		int k = 0;
		for (const zbar_symbol_t *s = last ? zbar_symbol_set_first_symbol(last) : NULL; s && k < count;
		     s = zbar_symbol_next(s)) {
			texts[k] = zbar_symbol_get_data(s);
			lens[k] = zbar_symbol_get_data_length(s);
			k++;
		}
		print_result(argv[a], text, n, median(t, repeat), found ? NULL : "no QR code found", texts, lens, k);
		fflush(stdout);
		free(texts);
		free(lens);
		if (last)
			zbar_symbol_set_ref(last, -1);
		free(pix);
	}
	free(text);
	free(t);
	zbar_image_scanner_destroy(sc);
	return 0;
}
