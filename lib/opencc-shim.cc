/*
 * opencc-shim.cc: OpenCC's C++ behind C functions that throw nothing.
 *
 * OpenCC and marisa-trie report errors by throwing, marisa's exceptions
 * past OpenCC's own C interface, so that a dictionary whose read failed
 * aborted the whole run (std::terminate) with no word of the file.  C
 * cannot catch; here every call catches everything and says so with NULL
 * and a reason.  No file is opened here either: cc.c reads the
 * configurations and dictionaries itself, with their paths in its errors,
 * and hands the bytes over; OpenCC's own loading would look in the
 * working directory first and take a file it cannot read for one that is
 * not there.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <list>
#include <new>
#include <string>

#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Exception.hpp>
#include <opencc/MarisaDict.hpp>
#include <opencc/MaxMatchSegmentation.hpp>

#include "cc.h"

struct cx_ccd {
	opencc::DictPtr		 d;
};

struct cx_ccc {
	opencc::ConverterPtr	 c;
};

static void
why(char *buf, size_t len, const char *what)
{
	if (len > 0)
		snprintf(buf, len, "%s", what);
}

extern "C" struct cx_ccd *
cx_ccd_ocd2(const void *data, size_t n, char *whybuf, size_t whylen)
{
	FILE *fp;
	struct cx_ccd *d = NULL;

	if (n == 0) {
		why(whybuf, whylen, "empty");
		return NULL;
	}
	/* The bytes are only read: "r" never writes through the cast. */
	if ((fp = fmemopen(const_cast<void *>(data), n, "r")) == NULL) {
		why(whybuf, whylen, strerror(errno));
		return NULL;
	}
	try {
		d = new cx_ccd;
		d->d = opencc::MarisaDict::NewFromFile(fp);
	} catch (const std::bad_alloc &) {
		abort();	/* as the library does: cx.h */
	} catch (const opencc::Exception &e) {
		why(whybuf, whylen, e.what());
	} catch (const std::exception &e) {
		why(whybuf, whylen, e.what());
	} catch (...) {
		why(whybuf, whylen, "not an OpenCC dictionary");
	}
	fclose(fp);
	if (d != NULL && d->d == nullptr) {
		delete d;
		d = NULL;
	}
	return d;
}

extern "C" struct cx_ccd *
cx_ccd_group(struct cx_ccd *const *v, size_t n)
{
	try {
		std::list<opencc::DictPtr> l;

		for (size_t i = 0; i < n; i++)
			l.push_back(v[i]->d);
		struct cx_ccd *d = new cx_ccd;
		d->d = opencc::DictPtr(new opencc::DictGroup(l));
		return d;
	} catch (...) {
		abort();	/* only bad_alloc: nothing here reads */
	}
}

extern "C" void
cx_ccd_free(struct cx_ccd *d)
{
	delete d;
}

extern "C" struct cx_ccc *
cx_ccc_new(const struct cx_ccd *seg, struct cx_ccd *const *chain, size_t n)
{
	try {
		std::list<opencc::ConversionPtr> l;

		for (size_t i = 0; i < n; i++)
			l.push_back(opencc::ConversionPtr(
			    new opencc::Conversion(chain[i]->d)));
		struct cx_ccc *c = new cx_ccc;
		c->c = opencc::ConverterPtr(new opencc::Converter("",
		    opencc::SegmentationPtr(
		    new opencc::MaxMatchSegmentation(seg->d)),
		    opencc::ConversionChainPtr(new opencc::ConversionChain(l))));
		return c;
	} catch (...) {
		abort();	/* only bad_alloc: nothing here reads */
	}
}

extern "C" char *
cx_ccc_convert(const struct cx_ccc *c, const char *s, size_t n)
{
	std::string out;
	char *r;

	try {
		out = c->c->Convert(std::string(s, n));
	} catch (const std::bad_alloc &) {
		abort();
	} catch (...) {
		return NULL;
	}
	if ((r = static_cast<char *>(malloc(out.size() + 1))) == NULL)
		abort();
	memcpy(r, out.c_str(), out.size() + 1);
	return r;
}

extern "C" void
cx_ccc_free(struct cx_ccc *c)
{
	delete c;
}
