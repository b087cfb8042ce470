# cx: complaint handling as Unix tools.  Plain make, no autotools.
#
#   make            build bin/cx-* and the library
#   make demo       install what is missing, build, run the main job on examples/
#   make check      install what is missing, build, run every test (also under
#                   AddressSanitizer and UndefinedBehaviorSanitizer), the
#                   fuzz harnesses briefly
#   make fuzz       the fuzz harnesses, FUZZ_TIME seconds each (60)
#   make bench      the benchmarks (ratios against jq, Miller, wc)
#   make install    PREFIX, DESTDIR, BINDIR, MANDIR as usual

PREFIX ?=	/usr/local
BINDIR ?=	$(PREFIX)/bin
MANDIR ?=	$(PREFIX)/share/man
SHAREDIR ?=	$(PREFIX)/share/cx

VERSION =	0.5.0

CC ?=		cc
CXX ?=		c++
OPT ?=		-O2 -g
CFLAGS ?=	$(OPT)
CX_CFLAGS =	-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib \
		-DCX_SHAREDIR=\"$(SHAREDIR)\"
LDLIBS =	-lcsv -lz -lopencc -lstdc++ -llinear -lm

# OpenCC's configurations and dictionaries, which lib/cc.c reads itself.
OPENCC_PREFIX != pkg-config --variable=prefix opencc 2>/dev/null || echo /usr
OPENCCDIR ?=	$(OPENCC_PREFIX)/share/opencc

# O= builds elsewhere: the sanitizer build lives in build/san.
O ?=		build
BIN =		$(O)/bin

TOOLS =	cx-classify cx-close cx-follow cx-ingest cx-learn cx-mail cx-report cx-route \
	cx-show cx-sla cx-status
LIBSRC =	$(wildcard lib/*.c)
LIBOBJ =	$(LIBSRC:lib/%.c=$(O)/lib/%.o) $(O)/lib/opencc-shim.o
UNITSRC =	$(wildcard tests/unit/t_*.c)
UNITS =		$(UNITSRC:tests/unit/%.c=$(O)/tests/%)
HELPERS =	$(O)/tests/cxgen $(O)/tests/reportgen $(O)/tests/spoolcat \
		$(O)/bench/roundtrip

all: $(TOOLS:%=$(BIN)/%) $(UNITS) $(HELPERS) bin

# bin/ holds links to the normal build (never the sanitizer one), so that
# examples and users find the tools.
bin: $(TOOLS:%=$(BIN)/%)
	@mkdir -p bin
	@for t in $(TOOLS); do ln -sf ../build/bin/$$t bin/$$t; done

$(O)/lib/%.o: lib/%.c lib/cx.h lib/priv.h
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/lib/cc.o: lib/cc.h
$(O)/lib/cc.o: CX_CFLAGS += -DCX_OPENCC_DIR=\"$(OPENCCDIR)\"

# OpenCC throws: its C++ is kept behind C functions (lib/cc.h) that do not.
# No vptr checks: they need the C++ runtime of the sanitizer, which clang
# does not link into the C programs.
$(O)/lib/opencc-shim.o: lib/opencc-shim.cc lib/cc.h
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -Wall -Wextra -Werror -Ilib $(CFLAGS) \
	    -fno-sanitize=vptr -c -o $@ $<

$(O)/libcx.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# cmd/tool.c is the frame of every tool: options, modes, summary, status.
$(O)/cmd/tool.o: cmd/tool.c cmd/tool.h lib/cx.h
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) -DCX_VERSION=\"$(VERSION)\" -c -o $@ $<

$(BIN)/%: cmd/%.c $(O)/cmd/tool.o $(O)/libcx.a lib/cx.h cmd/tool.h
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -Icmd -o $@ $< \
	    $(filter $(O)/cmd/%.o,$^) $(O)/libcx.a $(LDLIBS)

# A tool in more than one file: its other parts.
$(BIN)/cx-ingest: $(O)/cmd/ingest-reg.o $(O)/cmd/ingest-conv.o cmd/ingest.h
$(O)/cmd/ingest-%.o: cmd/ingest-%.c cmd/ingest.h cmd/tool.h lib/cx.h
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) -Icmd -c -o $@ $<

# cx-mail reads mail with GMime and guesses charsets with libuchardet.
# Asked of pkg-config when the Makefile is read, which may be before
# `make deps` has installed them: empty then, and said below.
MAILCFLAGS !=	pkg-config --cflags gmime-3.0 uchardet 2>/dev/null || true
MAILLIBS !=	pkg-config --libs gmime-3.0 uchardet 2>/dev/null || true
$(BIN)/cx-mail: $(O)/cmd/mail-text.o $(O)/cmd/mail-head.o cmd/mail.h | maillibs
maillibs:
	@[ -n "$(MAILLIBS)" ] || { echo "cx-mail needs pkg-config," \
	    "libgmime-3.0-dev and libuchardet-dev: run make deps" >&2; exit 1; }
$(BIN)/cx-mail: CX_CFLAGS += $(MAILCFLAGS)
$(BIN)/cx-mail: LDLIBS += $(MAILLIBS)
$(O)/cmd/mail-%.o: CX_CFLAGS += $(MAILCFLAGS)
$(O)/cmd/mail-%.o: cmd/mail-%.c cmd/mail.h lib/cx.h
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) -Icmd -c -o $@ $<

REPORT =	agg map doc sec qa imp out
$(BIN)/cx-report: $(REPORT:%=$(O)/cmd/report-%.o) cmd/report.h
$(BIN)/cx-report: LDLIBS += -ljq
$(O)/cmd/report-%.o: cmd/report-%.c cmd/report.h cmd/report-doc.h lib/cx.h
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) -Icmd -c -o $@ $<

$(O)/tests/%: tests/unit/%.c tests/unit/tap.h tests/unit/calcache.h lib/priv.h $(O)/libcx.a
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(O)/libcx.a $(LDLIBS)

$(O)/tests/cxgen: tests/cxgen.c $(O)/libcx.a
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libcx.a $(LDLIBS)

$(O)/tests/reportgen: tests/reportgen.c $(O)/libcx.a
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libcx.a $(LDLIBS)

$(O)/tests/spoolcat: tests/spoolcat.c $(O)/libcx.a
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libcx.a $(LDLIBS)

$(O)/bench/roundtrip: bench/roundtrip.c $(O)/libcx.a
	@mkdir -p $(@D)
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libcx.a $(LDLIBS)

# Fuzzing (tests/fuzz/README): a libFuzzer harness per input the tools
# read, built with clang into build/fuzz, the library with them.  `make
# fuzz` runs each for FUZZ_TIME seconds; the suite runs each briefly.
FUZZ =		json csv time rules calendar policy colmap mail
FUZZCC ?=	clang
FUZZCXX ?=	clang++
FUZZ_TIME ?=	60
FUZZSAN =	-O1 -g -fsanitize=fuzzer-no-link,address,undefined \
		-fno-omit-frame-pointer -fno-sanitize-recover=all

fuzz-build:
	@$(MAKE) -s O=build/fuzz CC=$(FUZZCC) CXX=$(FUZZCXX) CFLAGS="$(FUZZSAN)" \
	    LDFLAGS="-fsanitize=fuzzer,address,undefined" fuzzers

fuzzers: $(FUZZ:%=$(O)/fuzz-%)

$(O)/fuzz-%: tests/fuzz/%.c tests/fuzz/fuzz.h $(O)/libcx.a lib/cx.h lib/priv.h
	$(CC) $(CX_CFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/fuzz -o $@ $< \
	    $(filter %.o,$^) $(O)/libcx.a $(LDLIBS)
$(O)/fuzz-json: LDLIBS += -ljq
# The mail reader is cx-mail's own code, its main renamed.
$(O)/fuzz-mail: $(O)/cmd/tool.o $(O)/cmd/mail-text.o $(O)/cmd/mail-head.o \
	cmd/cx-mail.c cmd/mail.h cmd/tool.h | maillibs
$(O)/fuzz-mail: CX_CFLAGS += $(MAILCFLAGS) -Icmd
$(O)/fuzz-mail: LDLIBS += $(MAILLIBS)

fuzz: deps
	@sh tests/fuzz/probe $(FUZZCC) || { echo "cx: make fuzz needs" \
	    "$(FUZZCC) with libFuzzer (libclang-rt-dev): make deps" >&2; \
	    exit 1; }
	@$(MAKE) -s fuzz-build
	@sh tests/fuzz/run -t $(FUZZ_TIME) $(FUZZ)

deps:
	@sh tools/deps

demo: deps
	@$(MAKE) -s all
	@sh examples/demo.sh

SAN =	-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

check: deps
	@$(MAKE) -s all
	@$(MAKE) -s O=build/san CFLAGS="$(SAN)" LDFLAGS="-fsanitize=address,undefined" all
	@if sh tests/fuzz/probe $(FUZZCC); then $(MAKE) -s fuzz-build; fi
	@sh tests/run

bench: deps
	@$(MAKE) -s all
	@sh bench/run
	@sh bench/report

# The default model (share/cx/model) from learn/labels and ../shared/data.
model: deps
	@$(MAKE) -s all
	@sh learn/train

lint:
	mandoc -Tlint -W warning man/*.[157]

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(SHAREDIR)/columns \
	    $(DESTDIR)$(SHAREDIR)/templates/zh $(DESTDIR)$(SHAREDIR)/templates/en
	for t in $(TOOLS); do install -m 755 $(BIN)/$$t $(DESTDIR)$(BINDIR); done
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7
	for f in share/cx/*; do [ -f "$$f" ] && install -m 644 $$f $(DESTDIR)$(SHAREDIR); done
	install -m 644 share/cx/columns/* $(DESTDIR)$(SHAREDIR)/columns
	for l in zh en; do install -m 644 share/cx/templates/$$l/* \
	    $(DESTDIR)$(SHAREDIR)/templates/$$l; done

clean:
	rm -rf build bin

.PHONY: all bin deps demo check bench model lint install clean maillibs \
	fuzz fuzz-build fuzzers
