// zxingscan: the zxing-cpp peer of bench/scanpeers. For each PGM file it
// decodes the grey image, already in memory, N times with ReadBarcode
// restricted to QR codes (tryHarder and tryRotate on, the library defaults)
// and prints one JSON line with the text and the median time. Then, with
// the clock stopped, it lists every code in the image with one ReadBarcodes
// call (same hints) and adds the valid texts as "texts": ReadBarcode
// returns only the first code it finds.
//
// Written against zxing-cpp 1.4 (Debian bookworm's libzxing-dev), whose
// options type is DecodeHints; 2.x renamed it ReaderOptions.
//
// usage: zxingscan [--repeat N] FILE.pgm...

// text() returns UTF-8 std::string (the 2.x API) instead of std::wstring.
#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

#include <memory>
#include <string>
#include <vector>

#include "pgm.h"

int main(int argc, char **argv)
{
	int repeat;
	int first = parse_repeat(argc, argv, &repeat);
	if (first < 0) {
		fprintf(stderr, "usage: zxingscan [--repeat N] FILE.pgm...\n");
		return 2;
	}
	ZXing::DecodeHints hints;
	hints.setFormats(ZXing::BarcodeFormat::QRCode);
	hints.setTryHarder(true);
	hints.setTryRotate(true);
	std::vector<double> t(repeat);
	for (int a = first; a < argc; a++) {
		int w, h;
		const char *err = nullptr;
		std::unique_ptr<unsigned char, decltype(&free)> pix(pgm_read(argv[a], &w, &h, &err), &free);
		if (!pix) {
			print_result(argv[a], nullptr, 0, 0, err, nullptr, nullptr, -1);
			continue;
		}
		std::string text;
		bool found = false;
		for (int r = 0; r < repeat; r++) {
			double start = now_ms();
			ZXing::ImageView view(pix.get(), w, h, ZXing::ImageFormat::Lum);
			ZXing::Result res = ZXing::ReadBarcode(view, hints);
			found = res.isValid();
			if (found && r == 0)
				text = res.text();
			t[r] = now_ms() - start;
		}
		// The listing pass, not timed.
		ZXing::ImageView view(pix.get(), w, h, ZXing::ImageFormat::Lum);
		std::vector<std::string> all;
		for (const ZXing::Result &res : ZXing::ReadBarcodes(view, hints))
			if (res.isValid())
				all.push_back(res.text());
		std::vector<const char *> texts;
		std::vector<size_t> lens;
		for (const std::string &s : all) {
			texts.push_back(s.data());
			lens.push_back(s.size());
		}
		print_result(argv[a], text.data(), text.size(), median(t.data(), repeat),
			     found ? nullptr : "no QR code found", texts.data(), lens.data(), (int)texts.size());
		fflush(stdout);
	}
	return 0;
}
