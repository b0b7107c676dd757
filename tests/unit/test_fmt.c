/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for sel4ft_fmt(), sel4ft_vfmt() and sel4ft_printf(). */

/* memfd_create() */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/os_linux.h>

#define CANARY        0xa5
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hide a value from the optimiser, so a NULL argument is not flagged at compile time. */
static const void *opaque(const void *p)
{
    __asm__ volatile("" : "+r"(p));
    return p;
}

/* sel4ft_vfmt() through a format the compiler does not check: for conversions it would warn about. */
static int fmt_unchecked(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = sel4ft_vfmt(buffer, size, format, args);
    va_end(args);
    return n;
}

/* Our output must equal the expected string, and the return value its length. */
#define CHECK(expected, ...)                                                                                           \
    do {                                                                                                               \
        char out_[512];                                                                                                \
        memset(out_, CANARY, sizeof(out_));                                                                            \
        int n_ = sel4ft_fmt(out_, sizeof(out_), __VA_ARGS__);                                                          \
        assert_string_equal(out_, (expected));                                                                         \
        assert_int_equal(n_, (int)strlen(expected));                                                                   \
    } while (0)

/* As CHECK(), for formats the compiler's format checker would reject. */
#define CHECK_UNCHECKED(expected, ...)                                                                                 \
    do {                                                                                                               \
        char out_[512];                                                                                                \
        memset(out_, CANARY, sizeof(out_));                                                                            \
        int n_ = fmt_unchecked(out_, sizeof(out_), __VA_ARGS__);                                                       \
        assert_string_equal(out_, (expected));                                                                         \
        assert_int_equal(n_, (int)strlen(expected));                                                                   \
    } while (0)

/* Our output and return value must equal the host C library's. */
#define CHECK_HOST(...)                                                                                                \
    do {                                                                                                               \
        char ours_[512];                                                                                               \
        char host_[512];                                                                                               \
        int n_ours_ = sel4ft_fmt(ours_, sizeof(ours_), __VA_ARGS__);                                                   \
        int n_host_ = snprintf(host_, sizeof(host_), __VA_ARGS__);                                                     \
        assert_string_equal(ours_, host_);                                                                             \
        assert_int_equal(n_ours_, n_host_);                                                                            \
    } while (0)

/* Every byte from start to end is the canary: nothing was written there. */
static void assert_canary(const char *buffer, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++) {
        assert_int_equal((unsigned char)buffer[i], CANARY);
    }
}

/* Plain text */

static void test_plain_text(void **state)
{
    (void)state;
    CHECK("", "%s", "");
    CHECK("hello, world", "hello, world");
    CHECK("tab\tnewline\n", "tab\tnewline\n");

    char out[8];
    memset(out, CANARY, sizeof(out));
    const char *empty = "";
    assert_int_equal(sel4ft_fmt(out, sizeof(out), empty, 0), 0);
    assert_int_equal(out[0], '\0');
    assert_canary(out, 1, sizeof(out));
}

static void test_percent(void **state)
{
    (void)state;
    CHECK_HOST("%%");
    CHECK_HOST("100%%");
    CHECK_HOST("%%d %d %%", 5);
    CHECK("%%", "%%%%");
}

/* Strings and characters */

static void test_string(void **state)
{
    (void)state;
    CHECK_HOST("%s", "abc");
    CHECK_HOST("[%s]", "");
    CHECK_HOST("[%8s]", "abc");
    CHECK_HOST("[%-8s]", "abc");
    CHECK_HOST("[%2s]", "abcdef");
    CHECK_HOST("[%-2s]", "abcdef");
    CHECK_HOST("%s-%s-%s", "one", "two", "three");
    CHECK("[     abc]", "[%8s]", "abc");
    CHECK("[abc     ]", "[%-8s]", "abc");
}

static void test_string_null(void **state)
{
    (void)state;
    const char *null_string = opaque(NULL);
    CHECK("(null)", "%s", null_string);
    CHECK("[  (null)]", "[%8s]", null_string);
    CHECK("[(null)  ]", "[%-8s]", null_string);
    CHECK("<(nu>", "<%.3s>", null_string);
}

static void test_string_precision(void **state)
{
    (void)state;
    CHECK_HOST("[%.3s]", "abcdef");
    CHECK_HOST("[%.0s]", "abcdef");
    CHECK_HOST("[%.10s]", "abc");
    CHECK_HOST("[%5.2s]", "abcdef");
    CHECK_HOST("[%-5.2s]", "abcdef");
    CHECK_HOST("[%.*s]", 4, "abcdef");
    CHECK_HOST("[%.*s]", 0, "abcdef");
    /* A negative precision counts as none. */
    CHECK_HOST("[%.*s]", -1, "abcdef");
    CHECK("[abcdef]", "[%.*s]", -5, "abcdef");
}

static void test_string_precision_not_terminated(void **state)
{
    (void)state;
    /* Exactly five bytes on the heap, no NUL: reading a sixth would trip AddressSanitizer. */
    char *text = malloc(5);
    assert_non_null(text);
    memcpy(text, "hello", 5);

    CHECK("hello", "%.*s", 5, text);
    CHECK("hel", "%.*s", 3, text);
    CHECK("[   hello]", "[%8.*s]", 5, text);
    CHECK("[hello   ]", "[%-8.*s]", 5, text);
    CHECK("[he]", "[%.2s]", text);
    CHECK("", "%.*s", 0, text);

    free(text);
}

static void test_char(void **state)
{
    (void)state;
    CHECK_HOST("%c", 'x');
    CHECK_HOST("%c%c%c", 'a', 'b', 'c');
    CHECK_HOST("[%3c]", 'x');
    CHECK_HOST("[%-3c]", 'x');
    CHECK_HOST("[%*c]", 4, 'y');
    CHECK("[  x]", "[%3c]", 'x');
    CHECK("[x  ]", "[%-3c]", 'x');
}

static void test_char_nul(void **state)
{
    (void)state;
    /* A NUL from %c is output like any other character and counted. */
    char ours[8];
    char host[8];
    memset(ours, CANARY, sizeof(ours));
    memset(host, CANARY, sizeof(host));
    int n_ours = sel4ft_fmt(ours, sizeof(ours), "a%cb", 0);
    int n_host = snprintf(host, sizeof(host), "a%cb", 0);
    assert_int_equal(n_ours, 3);
    assert_int_equal(n_ours, n_host);
    assert_memory_equal(ours, "a\0b", 4);
    assert_memory_equal(ours, host, 4);
}

/* Integers */

static void test_int_fixed(void **state)
{
    (void)state;
    CHECK("0", "%d", 0);
    CHECK("42", "%d", 42);
    CHECK("-42", "%i", -42);
    CHECK("2147483647", "%d", INT_MAX);
    CHECK("-2147483648", "%d", INT_MIN);
    CHECK("4294967295", "%u", UINT_MAX);
    CHECK("deadbeef", "%x", 0xdeadbeefu);
    CHECK("DEADBEEF", "%X", 0xdeadbeefu);
    CHECK("[   42]", "[%5d]", 42);
    CHECK("[42   ]", "[%-5d]", 42);
    CHECK("[00042]", "[%05d]", 42);
    CHECK("[-0042]", "[%05d]", -42);
    CHECK("[  -42]", "[%5d]", -42);
    CHECK("[123456]", "[%3d]", 123456);
    CHECK("[0000ff]", "[%06x]", 0xffu);
    CHECK("[    FF]", "[%6X]", 0xffu);
}

static void test_int_sweep_against_host(void **state)
{
    (void)state;
    static const char *const formats[] = {
        "%d",
        "%i",
        "[%5d]",
        "[%-5d]",
        "[%05d]",
        "[%12i]",
        "[%-12i]",
        "[%012d]",
        "[%1d]",
        "x%dy%dz",
    };
    static const int values[] = { 0, 1, -1, 9, -9, 10, 42, -42, 99999, -99999, 1000000, INT_MAX, INT_MIN, INT_MIN + 1 };

    for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
        for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
            char ours[128];
            char host[128];
            int n_ours = fmt_unchecked(ours, sizeof(ours), formats[f], values[v], values[v]);
            int n_host = snprintf(host, sizeof(host), formats[f], values[v], values[v]);
            assert_string_equal(ours, host);
            assert_int_equal(n_ours, n_host);
        }
    }
}

static void test_unsigned_sweep_against_host(void **state)
{
    (void)state;
    static const char *const formats[] = {
        "%u",
        "%x",
        "%X",
        "[%10u]",
        "[%-10x]",
        "[%010X]",
        "[%08x]",
        "[%-12u]",
        "[%2x]",
    };
    static const unsigned values[] = { 0, 1, 9, 10, 15, 16, 255, 256, 0xabcdefu, 0x80000000u, 0xdeadbeefu, UINT_MAX };

    for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
        for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
            char ours[128];
            char host[128];
            int n_ours = fmt_unchecked(ours, sizeof(ours), formats[f], values[v]);
            int n_host = snprintf(host, sizeof(host), formats[f], values[v]);
            assert_string_equal(ours, host);
            assert_int_equal(n_ours, n_host);
        }
    }
}

static void test_long_long_sweep_against_host(void **state)
{
    (void)state;
    static const char *const signed_formats[] = { "%lld", "%lli", "[%25lld]", "[%-25lld]", "[%025lld]" };
    static const char *const unsigned_formats[] = { "%llu", "%llx", "%llX", "[%20llx]", "[%-20llu]", "[%020llX]" };
    static const long long signed_values[]
        = { 0, 1, -1, 4294967296LL, -4294967296LL, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
    static const unsigned long long unsigned_values[] = { 0, 1, 0xffffffffULL, 0x100000000ULL, 0x0123456789abcdefULL,
        INT64_MAX, (unsigned long long)INT64_MAX + 1, UINT64_MAX };

    for (size_t f = 0; f < ARRAY_SIZE(signed_formats); f++) {
        for (size_t v = 0; v < ARRAY_SIZE(signed_values); v++) {
            char ours[128];
            char host[128];
            int n_ours = fmt_unchecked(ours, sizeof(ours), signed_formats[f], signed_values[v]);
            int n_host = snprintf(host, sizeof(host), signed_formats[f], signed_values[v]);
            assert_string_equal(ours, host);
            assert_int_equal(n_ours, n_host);
        }
    }
    for (size_t f = 0; f < ARRAY_SIZE(unsigned_formats); f++) {
        for (size_t v = 0; v < ARRAY_SIZE(unsigned_values); v++) {
            char ours[128];
            char host[128];
            int n_ours = fmt_unchecked(ours, sizeof(ours), unsigned_formats[f], unsigned_values[v]);
            int n_host = snprintf(host, sizeof(host), unsigned_formats[f], unsigned_values[v]);
            assert_string_equal(ours, host);
            assert_int_equal(n_ours, n_host);
        }
    }
}

static void test_length_modifiers(void **state)
{
    (void)state;
    CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK("9223372036854775807", "%lld", (long long)INT64_MAX);
    CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
    CHECK("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
    CHECK("-9223372036854775808", "%ld", (long)LONG_MIN);
    CHECK("18446744073709551615", "%lu", (unsigned long)ULONG_MAX);
    CHECK("123456789abc", "%lx", 0x123456789abcUL);
    CHECK("18446744073709551615", "%zu", (size_t)SIZE_MAX);
    CHECK("-5", "%zd", (ptrdiff_t)-5);
    CHECK("ff", "%zx", (size_t)255);
    /* A 64-bit value after a 32-bit one: the modifiers fetch arguments of the right size. */
    CHECK("1 4294967296 2", "%d %llu %d", 1, 4294967296ULL, 2);
    CHECK("-1 -1 -1", "%d %ld %lld", -1, -1L, -1LL);
    CHECK_HOST("%ld %lu %lx %zu %lld", LONG_MAX, 12345UL, 0xabcUL, (size_t)77, LLONG_MIN);
}

static void test_flags_combined(void **state)
{
    (void)state;
    /* '-' wins over '0', in either order. */
    CHECK_UNCHECKED("[42   ]", "[%-05d]", 42);
    CHECK_UNCHECKED("[42   ]", "[%0-5d]", 42);
    CHECK_UNCHECKED("[-42  ]", "[%-05d]", -42);
    /* Repeated flags. */
    CHECK_UNCHECKED("[0007]", "[%004d]", 7);
    CHECK_UNCHECKED("[7   ]", "[%--4d]", 7);
}

static void test_star_width(void **state)
{
    (void)state;
    CHECK_HOST("[%*d]", 6, 42);
    CHECK_HOST("[%*d]", -6, 42);
    CHECK_HOST("[%*s]", 6, "ab");
    CHECK_HOST("[%*s]", -6, "ab");
    CHECK_HOST("[%0*d]", 6, -42);
    CHECK_HOST("[%-*x]", 6, 0xabu);
    CHECK_HOST("[%*d]", 0, 42);
    CHECK_HOST("[%*d|%*d]", 3, 1, -3, 2);
    CHECK("[42    ]", "[%*d]", -6, 42);
    CHECK("[    42]", "[%*d]", 6, 42);
    /* A negative '*' width means left alignment, even with '0'. */
    CHECK("[42    ]", "[%0*d]", -6, 42);
    /* INT_MIN cannot be negated: it must not crash and pads nothing. */
    CHECK_UNCHECKED("[42]", "[%*d]", INT_MIN, 42);
    /* The width argument is consumed before the value. */
    CHECK("[  7] 8", "[%*d] %d", 3, 7, 8);
}

static void test_huge_width(void **state)
{
    (void)state;
    /* A huge width must be bounded by the buffer, not overflow it or anything else. */
    char out[64 + 16];
    memset(out, CANARY, sizeof(out));
    int n = sel4ft_fmt(out, 64, "%*d", INT_MAX, 7);
    assert_true(n >= 64);
    for (size_t i = 0; i < 63; i++) {
        assert_int_equal(out[i], ' ');
    }
    assert_int_equal(out[63], '\0');
    assert_canary(out, 64, sizeof(out));

    memset(out, CANARY, sizeof(out));
    n = fmt_unchecked(out, 64, "%99999999999d", 7);
    assert_true(n >= 64);
    assert_int_equal(out[0], ' ');
    assert_int_equal(out[63], '\0');
    assert_canary(out, 64, sizeof(out));

    CHECK_HOST("%300d", 1);
}

/* A string of @p length 'a's (a multiple of 1 MiB) and its NUL, in little memory: one 1 MiB file of 'a's mapped
 * again and again, then a page of zeros. Returns NULL if the mappings cannot be made. */
#define HUGE_CHUNK ((size_t)1 << 20)
static char *map_huge_string(size_t length)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *base = mmap(NULL, length + page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    int fd = memfd_create("sel4ft-huge-string", 0);
    if (base == MAP_FAILED || fd < 0 || ftruncate(fd, (off_t)HUGE_CHUNK) != 0) {
        return NULL;
    }
    char *chunk = mmap(NULL, HUGE_CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (chunk == MAP_FAILED) {
        return NULL;
    }
    memset(chunk, 'a', HUGE_CHUNK);
    munmap(chunk, HUGE_CHUNK);
    for (size_t offset = 0; offset < length; offset += HUGE_CHUNK) {
        if (mmap(base + offset, HUGE_CHUNK, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
            return NULL;
        }
    }
    close(fd);
    if (mmap(base + length, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
        return NULL;
    }
    return base;
}

static void test_string_longer_than_int_max(void **state)
{
    (void)state;
    /* 2^31 + 2^20 characters: the padding, computed as width - (int)length, came out near INT_MAX instead of 0,
     * so two billion spaces went out before the string (and for lengths near 2^31 the int overflowed). */
    size_t length = ((size_t)1 << 31) + HUGE_CHUNK;
    char *huge = map_huge_string(length);
    if (huge == NULL) {
        skip();
    }
    char out[16];
    memset(out, CANARY, sizeof(out));
    int n = sel4ft_fmt(out, sizeof(out), "%100000s", huge);
    /* No padding: the string is longer than the width. The length is capped at INT_MAX. */
    assert_string_equal(out, "aaaaaaaaaaaaaaa");
    assert_int_equal(n, INT_MAX);
    memset(out, CANARY, sizeof(out));
    n = sel4ft_fmt(out, sizeof(out), "%-100000s|", huge);
    assert_string_equal(out, "aaaaaaaaaaaaaaa");
    assert_int_equal(n, INT_MAX);
    munmap(huge, length + (size_t)sysconf(_SC_PAGESIZE));
}

static void test_pointer(void **state)
{
    (void)state;
    CHECK("0x0", "%p", opaque(NULL));
    CHECK("0x1", "%p", (void *)1);
    CHECK("0x1234abcd", "%p", (void *)0x1234abcd);
    CHECK("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    CHECK("[     0x1f]", "[%9p]", (void *)0x1f);
    CHECK("[0x1f     ]", "[%-9p]", (void *)0x1f);
    /* Zero padding goes between the prefix and the digits. */
    CHECK_UNCHECKED("[0x0000001f]", "[%010p]", (void *)0x1f);

    int object;
    char expected[32];
    snprintf(expected, sizeof(expected), "0x%lx", (unsigned long)(uintptr_t)&object);
    CHECK(expected, "%p", (void *)&object);
    /* Where the host prints pointers the same way, match it. */
    CHECK_HOST("%p", (void *)&object);
}

static void test_mixed(void **state)
{
    (void)state;
    CHECK_HOST("%s|%5d|%-4u|%x|%X|%c|%%|%lld|%s", "pd", -3, 7u, 0xbeefu, 0xbeefu, 'q', -1LL, "end");
    CHECK("crasher: VM fault at 0x200240 (x=0000002a)", "%s: VM fault at 0x%lx (x=%08x)", "crasher", 0x200240UL, 42u);
}

/* Flags, length modifiers and conversions that the format attribute lets through: each must take exactly its
 * own argument, or every conversion after it reads the wrong one. */

static void test_sign_flags(void **state)
{
    (void)state;
    /* The audit's example: with '+' not understood, %s read the int as a string. */
    CHECK("delta +5 from client", "delta %+d from %s", 5, "client");
    CHECK("delta -5 from client", "delta %+d from %s", -5, "client");
    CHECK("[ 42] [-42] [+0]", "[% d] [% d] [%+d]", 42, -42, 0);
    CHECK_HOST("%+d|% d|%+i|% i", 7, 7, -7, -7);
    CHECK_HOST("[%+6d|%-+6d|%+06d|% 06d|%- 6d]", 42, 42, 42, 42, 42);
    CHECK_HOST("[%+d|% d]", INT_MIN, INT_MAX);
    CHECK_HOST("[%+lld|% lld]", LLONG_MIN, LLONG_MAX);
    /* '+' wins over ' ', in either order. */
    CHECK_UNCHECKED("+3 +3", "%+ d % +d", 3, 3);
}

static void test_alternate_form(void **state)
{
    (void)state;
    CHECK("0xff 0XFF 0377 7 done", "%#x %#X %#o %u %s", 0xffu, 0xffu, 0377u, 7u, "done");
    CHECK_HOST("[%#x|%#X|%#o]", 0u, 0u, 0u);
    CHECK_HOST("[%#10x|%#-10x|%#010x|%#010X]", 0xabcu, 0xabcu, 0xabcu, 0xabcu);
    CHECK_HOST("[%#.0x|%#.0o|%#.0X]", 0u, 0u, 0u);
    CHECK_HOST("[%#.5o|%#.5o|%#.1o|%#5o|%#05o]", 8u, 0u, 8u, 8u, 8u);
    CHECK_HOST("[%#llx|%#llo|%#jx]", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
               (uintmax_t)0x1234);
}

static void test_octal(void **state)
{
    (void)state;
    CHECK("17 777 1777777777777777777777", "%o %o %llo", 15u, 0777u, (unsigned long long)UINT64_MAX);
    CHECK_HOST("[%o|%5o|%-5o|%05o|%.4o|%lo|%zo|%ho|%hho]", 8u, 8u, 8u, 8u, 8u, 01234567UL, (size_t)0777,
               (unsigned short)0177777, (unsigned char)0377);
}

static void test_short_length_modifiers(void **state)
{
    (void)state;
    /* Promoted to int by the call; converted back to the short or char type before formatting. */
    CHECK("4464 -1 1 -56 200 1 x", "%hd %hd %hu %hhd %hhu %hhu %s", (short)70000, (short)-1, (unsigned short)65537,
          (signed char)200, (unsigned char)200, (unsigned char)257, "x");
    CHECK_UNCHECKED("4464 -1 1 -56 200 1 x", "%hd %hd %hu %hhd %hhu %hhu %s", 70000, 65535, 65537, 200, 200, 257,
                    "x");
    CHECK_HOST("[%hx|%hX|%hhx|%hi|%hhi|%6hd|%-6hhu]", (unsigned short)0xbeef, (unsigned short)0xbeef,
               (unsigned char)0xab, (short)-32768, (signed char)-128, (short)-5, (unsigned char)250);
}

static void test_wide_length_modifiers(void **state)
{
    (void)state;
    CHECK("-9223372036854775808 18446744073709551615 x", "%jd %ju %s", INTMAX_MIN, UINTMAX_MAX, "x");
    CHECK("-9223372036854775808 9223372036854775807 x", "%td %td %s", PTRDIFF_MIN, PTRDIFF_MAX, "x");
    CHECK_HOST("[%jx|%jX|%jo|%5jd|%-5ji|%tx|%ti|%zd|%zi]", (uintmax_t)0xabc, (uintmax_t)0xabc, (uintmax_t)8,
               (intmax_t)-3, (intmax_t)4, (ptrdiff_t)0xabc, (ptrdiff_t)-9, (ptrdiff_t)-10, (ptrdiff_t)11);
    /* Synonyms GCC's format check accepts: q and L for ll, Z for z. */
    CHECK_UNCHECKED("-1 18446744073709551615 -1 1 x", "%qd %Lu %Ld %Zu %s", -1LL, (unsigned long long)UINT64_MAX,
                    -1LL, (size_t)1, "x");
    /* A 64-bit value after 16- and 8-bit ones: each took its own argument. */
    CHECK("1 2 4294967296 3", "%hd %hhu %jd %td", (short)1, (unsigned char)2, (intmax_t)4294967296LL, (ptrdiff_t)3);
}

static void test_integer_precision(void **state)
{
    (void)state;
    CHECK("[007] [-007] [] [1] [  042]", "[%.3d] [%.3d] [%.0d] [%.0d] [%5.3d]", 7, -7, 0, 1, 42);
    /* With a precision, '0' is ignored (the sweep below checks that against the host too). */
    CHECK_UNCHECKED("[    -005|     00a]", "[%08.3d|%08.3x]", -5, 0xau);
    CHECK_HOST("[%-8.3d|%.*d|%.*d]", -5, 4, 7, -1, 7);
    CHECK_HOST("[%.20llu|%.0u|%.0x|%5.0d|%-5.0d|%+.0d|% .0d]", 1ULL, 0u, 0u, 0, 0, 0, 0);
}

/* Every well-defined combination of flags, width and precision against the host's printf. */
static void test_integer_flags_sweep_against_host(void **state)
{
    (void)state;
    static const char *const signed_flags[] = { "", "-", "+", " ", "0", "+ ", "-+", "+0", " 0", "-0", "- ", "-+0" };
    static const char *const unsigned_flags[] = { "", "-", "0", "#", "-#", "#0", "-0", "-#0" };
    static const char *const widths[] = { "", "1", "7", "23" };
    static const char *const precisions[] = { "", ".", ".0", ".1", ".5", ".21" };
    static const char *const signed_lengths[] = { "", "hh", "h", "l", "ll", "j", "z", "t" };
    static const char *const unsigned_lengths[] = { "", "hh", "h", "l", "ll", "j", "z", "t" };
    static const long long signed_values[] = { 0, 1, -1, 7, -42, 127, -128, 32767, -32768, INT_MAX, INT_MIN,
                                               LLONG_MAX, LLONG_MIN };
    static const unsigned long long unsigned_values[] = { 0, 1, 7, 8, 255, 256, 0xbeef, 0xdeadbeef, UINT_MAX,
                                                          0x123456789abcdefULL, ULLONG_MAX };
    char format[32];
    char ours[128];
    char host[128];

    for (size_t l = 0; l < ARRAY_SIZE(signed_lengths); l++) {
        for (size_t f = 0; f < ARRAY_SIZE(signed_flags); f++) {
            for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
                for (size_t p = 0; p < ARRAY_SIZE(precisions); p++) {
                    for (size_t v = 0; v < ARRAY_SIZE(signed_values); v++) {
                        for (const char *c = "di"; *c != '\0'; c++) {
                            snprintf(format, sizeof(format), "[%%%s%s%s%s%c]", signed_flags[f], widths[w],
                                     precisions[p], signed_lengths[l], *c);
                            long long value = signed_values[v];
                            int n_ours, n_host;
                            /* Pass the type the modifier names (narrower values are promoted to int). */
                            if (l <= 2) {
                                n_ours = fmt_unchecked(ours, sizeof(ours), format, (int)value, "x");
                                n_host = snprintf(host, sizeof(host), format, (int)value, "x");
                            } else {
                                n_ours = fmt_unchecked(ours, sizeof(ours), format, value, "x");
                                n_host = snprintf(host, sizeof(host), format, value, "x");
                            }
                            if (strcmp(ours, host) != 0 || n_ours != n_host) {
                                fail_msg("format '%s' of %lld: ours '%s' (%d), host '%s' (%d)", format, value, ours,
                                         n_ours, host, n_host);
                            }
                        }
                    }
                }
            }
        }
    }
    for (size_t l = 0; l < ARRAY_SIZE(unsigned_lengths); l++) {
        for (size_t f = 0; f < ARRAY_SIZE(unsigned_flags); f++) {
            for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
                for (size_t p = 0; p < ARRAY_SIZE(precisions); p++) {
                    for (size_t v = 0; v < ARRAY_SIZE(unsigned_values); v++) {
                        for (const char *c = "uoxX"; *c != '\0'; c++) {
                            if (*c == 'u' && strchr(unsigned_flags[f], '#') != NULL) {
                                continue;
                            }
                            snprintf(format, sizeof(format), "[%%%s%s%s%s%c]", unsigned_flags[f], widths[w],
                                     precisions[p], unsigned_lengths[l], *c);
                            unsigned long long value = unsigned_values[v];
                            int n_ours, n_host;
                            if (l <= 2) {
                                n_ours = fmt_unchecked(ours, sizeof(ours), format, (unsigned)value, "x");
                                n_host = snprintf(host, sizeof(host), format, (unsigned)value, "x");
                            } else {
                                n_ours = fmt_unchecked(ours, sizeof(ours), format, value, "x");
                                n_host = snprintf(host, sizeof(host), format, value, "x");
                            }
                            if (strcmp(ours, host) != 0 || n_ours != n_host) {
                                fail_msg("format '%s' of %llu: ours '%s' (%d), host '%s' (%d)", format, value, ours,
                                         n_ours, host, n_host);
                            }
                        }
                    }
                }
            }
        }
    }
}

static void test_grouping_flags_are_accepted(void **state)
{
    (void)state;
    /* glibc's ' and I flags change nothing in the C locale; they must not stop the argument being taken. */
    CHECK("1234567 x", "%'d %s", 1234567, "x");
    CHECK_HOST("[%'d|%'8u]", 1234567, 89u);
    CHECK_UNCHECKED("[1234567] x", "[%Id] %s", 1234567, "x");
}

/* Conversions that are not formatted still take their argument, so the ones after them get theirs; the
 * specification is printed as written. On the host (x86-64) the first eight doubles travel in registers of
 * their own, so only from the ninth on, or a long double, would a conversion that skips one shift the rest. */
static void test_floating_point_is_consumed(void **state)
{
    (void)state;
    CHECK("%f|%.2e|%g|%a|%E|%G|%A|%F|%10.3f 1 2 3 4 five",
          "%f|%.2e|%g|%a|%E|%G|%A|%F|%10.3f %d %d %d %d %s", 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 1, 2, 3, 4,
          "five");
    CHECK("%Lf 1 2 3 4 x", "%Lf %d %d %d %d %s", (long double)1.5, 1, 2, 3, 4, "x");
    CHECK("1 %Le 2 %f 3 4 5 x", "%d %Le %d %f %d %d %d %s", 1, (long double)-2.5, 2, 0.25, 3, 4, 5, "x");
}

static void test_other_conversions_are_consumed(void **state)
{
    (void)state;
    /* %n is never written through. */
    int written = -1;
    signed char written_char = -1;
    CHECK("%n 5 %hhn x", "%n %d %hhn %s", &written, 5, &written_char, "x");
    assert_int_equal(written, -1);
    assert_int_equal(written_char, -1);
    /* Wide characters and strings are not converted. */
    CHECK("%ls 5 %lc 6 x", "%ls %d %lc %d %s", L"wide", 5, (wint_t)L'w', 6, "x");
    CHECK("%S 5 %C 6 x", "%S %d %C %d %s", L"wide", 5, (wint_t)L'w', 6, "x");
}

/* Unknown conversions and a format cut short */

static void test_unknown_conversion(void **state)
{
    (void)state;
    CHECK_UNCHECKED("%q", "%q");
    CHECK_UNCHECKED("a%qb", "a%qb");
    CHECK_UNCHECKED("a%5qb", "a%5qb");
    CHECK_UNCHECKED("[%-08q]", "[%-08q]");
    /* An unknown conversion consumes no argument: the next one still gets its value. */
    CHECK_UNCHECKED("%y 7", "%y %d", 7);
    CHECK_UNCHECKED("%lq=5", "%lq=%d", 5);
    /* glibc's %m (the text of errno) takes no argument either. */
    CHECK("%m 7", "%m %d", 7);
}

static void test_lone_percent_at_end(void **state)
{
    (void)state;
    CHECK_UNCHECKED("%", "%");
    CHECK_UNCHECKED("abc%", "abc%");
    CHECK_UNCHECKED("7%", "%d%", 7);
    CHECK_UNCHECKED("abc%-", "abc%-");
    CHECK_UNCHECKED("abc%05", "abc%05");
    CHECK_UNCHECKED("abc%.", "abc%.");
    CHECK_UNCHECKED("abc%.3", "abc%.3");
    CHECK_UNCHECKED("abc%l", "abc%l");
    CHECK_UNCHECKED("abc%ll", "abc%ll");
    CHECK_UNCHECKED("abc%z", "abc%z");

    /* Nothing is written after the terminator the format ended with. */
    char out[16];
    memset(out, CANARY, sizeof(out));
    assert_int_equal(fmt_unchecked(out, sizeof(out), "ab%"), 3);
    assert_memory_equal(out, "ab%", 4);
    assert_canary(out, 4, sizeof(out));

    /* Truncated, the full length is still reported. */
    memset(out, CANARY, sizeof(out));
    assert_int_equal(fmt_unchecked(out, 3, "abc%"), 4);
    assert_string_equal(out, "ab");
    assert_canary(out, 3, sizeof(out));
}

/* Truncation and arguments */

/* Format into every size from 0 to past the full length; check content, terminator, canary, return value. */
static void check_truncation(const char *expected, const char *format, ...)
{
    size_t full = strlen(expected);

    for (size_t size = 0; size <= full + 3; size++) {
        char out[600];
        assert_true(size + 16 <= sizeof(out));
        memset(out, CANARY, sizeof(out));

        va_list args;
        va_start(args, format);
        int n = sel4ft_vfmt(out, size, format, args);
        va_end(args);

        assert_int_equal(n, (int)full);
        if (size == 0) {
            assert_canary(out, 0, sizeof(out));
            continue;
        }
        size_t kept = full < size - 1 ? full : size - 1;
        assert_memory_equal(out, expected, kept);
        assert_int_equal(out[kept], '\0');
        assert_canary(out, size, sizeof(out));
        if (kept + 1 < size) {
            /* Shorter than the buffer: nothing written after the terminator either. */
            assert_canary(out, kept + 1, size);
        }

        /* The same into a heap buffer of exactly `size` bytes: AddressSanitizer sees any write past it. */
        char *exact = malloc(size);
        assert_non_null(exact);
        va_start(args, format);
        n = sel4ft_vfmt(exact, size, format, args);
        va_end(args);
        assert_int_equal(n, (int)full);
        assert_memory_equal(exact, expected, kept);
        assert_int_equal(exact[kept], '\0');
        free(exact);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    check_truncation("", "");
    check_truncation("x", "x");
    check_truncation("hello", "hello");
    check_truncation("pd=crasher ip=0x200240 n=-42 [   7] ffff", "pd=%s ip=%p n=%d [%4u] %x", "crasher",
        (void *)0x200240, -42, 7u, 0xffffu);
    check_truncation("-9223372036854775808", "%lld", (long long)INT64_MIN);
    check_truncation("(null)", "%s", (const char *)opaque(NULL));
    check_truncation("abc     |", "%-8s|", "abc");
    check_truncation("0000000042", "%010d", 42);
    check_truncation("%q", "%q");
    check_truncation("%+.3e|+7|0x1f|%ls|x", "%+.3e|%+d|%#x|%ls|%s", 2.5, 7, 0x1fu, L"w", "x");
}

static void test_truncation_matches_host(void **state)
{
    (void)state;
    for (size_t size = 1; size < 40; size++) {
        char ours[40];
        char host[40];
        int n_ours = sel4ft_fmt(ours, size, "%s %08x %-6d|%c", "truncate me", 0xc0ffeeu, -12, 'z');
        int n_host = snprintf(host, size, "%s %08x %-6d|%c", "truncate me", 0xc0ffeeu, -12, 'z');
        assert_int_equal(n_ours, n_host);
        assert_string_equal(ours, host);
    }
}

static void test_size_zero(void **state)
{
    (void)state;
    /* Size 0 with a NULL buffer: measure only. */
    assert_int_equal(sel4ft_fmt(NULL, 0, "abc"), 3);
    assert_int_equal(sel4ft_fmt(NULL, 0, "%d-%s", -123, "xyz"), 8);
    assert_int_equal(fmt_unchecked(NULL, 0, ""), 0);
    assert_int_equal(sel4ft_fmt(NULL, 0, "%20s", "a"), 20);

    /* Size 0 with a real buffer: nothing written at all, not even a terminator. */
    char out[4];
    memset(out, CANARY, sizeof(out));
    assert_int_equal(sel4ft_fmt(out, 0, "abc"), 3);
    assert_canary(out, 0, sizeof(out));
}

static void test_size_one(void **state)
{
    (void)state;
    char out[4];
    memset(out, CANARY, sizeof(out));
    assert_int_equal(sel4ft_fmt(out, 1, "%s", "abc"), 3);
    assert_int_equal(out[0], '\0');
    assert_canary(out, 1, sizeof(out));
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    char out[8];
    const char *null_format = opaque(NULL);
    char *null_buffer = (char *)opaque(NULL);

    memset(out, CANARY, sizeof(out));
    assert_int_equal(fmt_unchecked(out, sizeof(out), null_format), -SEL4FT_EINVAL);
    assert_int_equal(fmt_unchecked(NULL, 0, null_format), -SEL4FT_EINVAL);
    assert_canary(out, 0, sizeof(out));

    assert_int_equal(sel4ft_fmt(null_buffer, 1, "abc"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_fmt(null_buffer, 8, "abc"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_fmt(null_buffer, SIZE_MAX, "abc"), -SEL4FT_EINVAL);
}

/* A va_list user of sel4ft_vfmt(), as a logging wrapper would be. */
static int prefixed(char *buffer, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int prefixed(char *buffer, size_t size, const char *format, ...)
{
    int prefix = sel4ft_fmt(buffer, size, "PD|INFO: ");
    assert_int_equal(prefix, 9);
    va_list args;
    va_start(args, format);
    int n = sel4ft_vfmt(buffer + prefix, size - (size_t)prefix, format, args);
    va_end(args);
    return n < 0 ? n : prefix + n;
}

static void test_vfmt(void **state)
{
    (void)state;
    char out[64];
    int n = prefixed(out, sizeof(out), "%s %d %llx", "started", 3, 0x1234ULL);
    assert_string_equal(out, "PD|INFO: started 3 1234");
    assert_int_equal(n, 23);
}

/* sel4ft_printf() through the Linux port's console hook */

typedef struct {
    char text[1024];
    size_t length;
    unsigned calls;
} console_capture_t;

static console_capture_t capture;

static void capture_console(void *context, const char *text, size_t length)
{
    console_capture_t *c = context;
    assert_ptr_equal(c, &capture);
    assert_true(c->length + length <= sizeof(c->text));
    memcpy(c->text + c->length, text, length);
    c->length += length;
    c->calls++;
}

static int console_setup(void **state)
{
    (void)state;
    memset(&capture, 0, sizeof(capture));
    sel4ft_os_linux_hooks_t hooks = { .console = capture_console, .context = &capture };
    sel4ft_os_linux_set_hooks(&hooks);
    return 0;
}

static int console_teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    return 0;
}

static void test_printf_console(void **state)
{
    (void)state;
    int n = sel4ft_printf("%s|INFO: %d ready\n", "server", 3);
    assert_int_equal(n, 21);
    assert_int_equal(capture.calls, 1);
    assert_int_equal(capture.length, 21);
    assert_memory_equal(capture.text, "server|INFO: 3 ready\n", 21);

    n = sel4ft_printf("%s", "");
    assert_int_equal(n, 0);
    assert_int_equal(capture.length, 21);
}

static void test_printf_truncated_at_255(void **state)
{
    (void)state;
    char long_text[301];
    for (size_t i = 0; i < 300; i++) {
        long_text[i] = (char)('a' + i % 26);
    }
    long_text[300] = '\0';

    int n = sel4ft_printf("%s", long_text);
    assert_int_equal(n, 255);
    assert_int_equal(capture.length, 255);
    assert_memory_equal(capture.text, long_text, 255);

    /* Exactly 255 characters: nothing lost. */
    capture.length = 0;
    n = sel4ft_printf("%.*s", 255, long_text);
    assert_int_equal(n, 255);
    assert_int_equal(capture.length, 255);
    assert_memory_equal(capture.text, long_text, 255);

    /* 256: the last one goes. */
    capture.length = 0;
    n = sel4ft_printf("%.*sZ", 255, long_text);
    assert_int_equal(n, 255);
    assert_int_equal(capture.length, 255);
    assert_memory_equal(capture.text, long_text, 255);

    /* A huge width is cut the same way. */
    capture.length = 0;
    n = sel4ft_printf("%5000d", 1);
    assert_int_equal(n, 255);
    assert_int_equal(capture.length, 255);
}

static void test_printf_null_format(void **state)
{
    (void)state;
    const char *null_format = opaque(NULL);
    /* Through a non-literal format: the compiler cannot prove it NULL. */
    int (*print)(const char *, ...) = sel4ft_printf;
    assert_int_equal(print(null_format), -SEL4FT_EINVAL);
    assert_int_equal(capture.calls, 0);
    assert_int_equal(capture.length, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_string_null),
        cmocka_unit_test(test_string_precision),
        cmocka_unit_test(test_string_precision_not_terminated),
        cmocka_unit_test(test_char),
        cmocka_unit_test(test_char_nul),
        cmocka_unit_test(test_int_fixed),
        cmocka_unit_test(test_int_sweep_against_host),
        cmocka_unit_test(test_unsigned_sweep_against_host),
        cmocka_unit_test(test_long_long_sweep_against_host),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_flags_combined),
        cmocka_unit_test(test_star_width),
        cmocka_unit_test(test_huge_width),
        cmocka_unit_test(test_string_longer_than_int_max),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_sign_flags),
        cmocka_unit_test(test_alternate_form),
        cmocka_unit_test(test_octal),
        cmocka_unit_test(test_short_length_modifiers),
        cmocka_unit_test(test_wide_length_modifiers),
        cmocka_unit_test(test_integer_precision),
        cmocka_unit_test(test_integer_flags_sweep_against_host),
        cmocka_unit_test(test_grouping_flags_are_accepted),
        cmocka_unit_test(test_floating_point_is_consumed),
        cmocka_unit_test(test_other_conversions_are_consumed),
        cmocka_unit_test(test_unknown_conversion),
        cmocka_unit_test(test_lone_percent_at_end),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_truncation_matches_host),
        cmocka_unit_test(test_size_zero),
        cmocka_unit_test(test_size_one),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_vfmt),
        cmocka_unit_test_setup_teardown(test_printf_console, console_setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_printf_truncated_at_255, console_setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_printf_null_format, console_setup, console_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
