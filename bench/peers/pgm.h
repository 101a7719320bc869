/* pgm.h: the pieces the C and C++ peers share: reading the 8-bit binary PGM
 * (P5) files that bench/topgm writes, a monotonic clock, the median, and the
 * JSON line that every reader in bench/scanpeers prints per file: the timed
 * single-code decode ("text", "ms") and the untimed listing of every code
 * in the image ("texts"). */
#ifndef PEERS_PGM_H
#define PEERS_PGM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* pgm_read reads a P5 file with maxval 255 into a malloc'd buffer. It
 * returns NULL and sets *err on failure. Comments are not supported: topgm
 * writes none. */
static unsigned char *pgm_read(const char *path, int *w, int *h, const char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = "cannot open file";
		return NULL;
	}
	int maxval = 0;
	if (fscanf(f, "P5 %d %d %d", w, h, &maxval) != 3 || maxval != 255 || *w <= 0 || *h <= 0) {
		fclose(f);
		*err = "not an 8-bit P5 PGM";
		return NULL;
	}
	fgetc(f); /* the single whitespace after maxval */
	size_t n = (size_t)*w * (size_t)*h;
	unsigned char *pix = (unsigned char *)malloc(n);
	if (!pix || fread(pix, 1, n, f) != n) {
		free(pix);
		fclose(f);
		*err = "short PGM";
		return NULL;
	}
	fclose(f);
	return pix;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* median sorts t in place; for an even n it takes the upper middle, like
 * passgate scan. */
static double median(double *t, int n)
{
	qsort(t, n, sizeof *t, cmp_double);
	return t[n / 2];
}

/* json_str prints s (n bytes) as a JSON string. Bytes >= 0x80 are passed
 * through: readers give UTF-8, and Go's decoder replaces invalid bytes. */
static void json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* print_result prints {"file","ok","text","ms"} or {"file","ok":false,
 * "error","ms"}, and then, when ntexts >= 0, "texts": the ntexts texts
 * (texts[i] of lens[i] bytes) of every code the reader's untimed listing
 * pass found in the image, escaped as "text" is. */
static void print_result(const char *file, const char *text, size_t n, double ms, const char *err,
			 const char *const *texts, const size_t *lens, int ntexts)
{
	printf("{\"file\":");
	json_str(file, strlen(file));
	if (err) {
		printf(",\"ok\":false,\"error\":");
		json_str(err, strlen(err));
	} else {
		printf(",\"ok\":true,\"text\":");
		json_str(text, n);
	}
	printf(",\"ms\":%.4f", ms);
	if (ntexts >= 0) {
		printf(",\"texts\":[");
		for (int i = 0; i < ntexts; i++) {
			if (i > 0)
				putchar(',');
			json_str(texts[i], lens[i]);
		}
		putchar(']');
	}
	printf("}\n");
}

/* parse_repeat handles the one flag, --repeat N, and returns the index of
 * the first file argument. */
static int parse_repeat(int argc, char **argv, int *repeat)
{
	int i = 1;
	*repeat = 1;
	while (i < argc && strncmp(argv[i], "-", 1) == 0) {
		if ((!strcmp(argv[i], "--repeat") || !strcmp(argv[i], "-repeat")) && i + 1 < argc) {
			*repeat = atoi(argv[i + 1]);
			i += 2;
			continue;
		}
		return -1;
	}
	if (*repeat < 1 || *repeat > 1000 || i == argc)
		return -1;
	return i;
}

#endif
