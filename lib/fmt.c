/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/os.h>

/* Every integer conversion is formatted from 64 bits, and the signed counterpart of size_t is ptrdiff_t. */
_Static_assert(sizeof(uintmax_t) <= sizeof(uint64_t), "intmax_t fits 64 bits");
_Static_assert(sizeof(unsigned long long) <= sizeof(uint64_t), "long long fits 64 bits");
_Static_assert(sizeof(size_t) == sizeof(ptrdiff_t), "%zd and %tu read the other type of the same size");
_Static_assert(sizeof(__WINT_TYPE__) >= sizeof(int), "a wint_t argument is not promoted");

/* A PD build with GCC and -mgeneral-regs-only may not name a floating-point type, not even in va_arg(). Such
 * arguments are then stepped over by hand, following AAPCS64 (see skip_floating()). */
#if defined(__aarch64__) && !defined(__ARM_FP)
#define FMT_SKIP_FLOATING_BY_HAND 1
#endif

/* An output cursor: counts every character, stores those that fit. */
typedef struct {
    char *buffer;
    size_t size;
    size_t length;
} output_t;

/* Length modifiers. */
typedef enum {
    LENGTH_NONE,
    LENGTH_HH,     /* hh: char */
    LENGTH_H,      /* h: short */
    LENGTH_L,      /* l, j, z, t (and the synonym Z): long, intmax_t, size_t, ptrdiff_t, all long here */
    LENGTH_LL,     /* ll, and the synonyms q and (with an integer conversion) L */
    LENGTH_DOUBLE, /* L with a floating-point conversion: long double */
} length_t;

/* Where the types the length modifiers name are long (checked, so one va_arg serves them all). */
_Static_assert(__builtin_types_compatible_p(__INTMAX_TYPE__, long), "intmax_t is long");
_Static_assert(__builtin_types_compatible_p(__PTRDIFF_TYPE__, long), "ptrdiff_t is long");
_Static_assert(__builtin_types_compatible_p(__SIZE_TYPE__, unsigned long), "size_t is unsigned long");
_Static_assert(__builtin_types_compatible_p(__UINTMAX_TYPE__, unsigned long), "uintmax_t is unsigned long");
_Static_assert(__builtin_types_compatible_p(__WINT_TYPE__, unsigned int) ||
               __builtin_types_compatible_p(__WINT_TYPE__, int), "wint_t is an int");

/* Flags of a conversion specification. */
#define FLAG_LEFT 1u      /* '-' */
#define FLAG_ZERO 2u      /* '0' */
#define FLAG_PLUS 4u      /* '+' */
#define FLAG_SPACE 8u     /* ' ' */
#define FLAG_ALTERNATE 16u /* '#' */

/* A conversion specification's flags, width and precision. */
typedef struct {
    unsigned flags;
    size_t width;
    int precision;  /* -1: none */
} spec_t;

/* How many of @p length more characters fit (one byte stays for the NUL). */
static inline size_t room(const output_t *out, size_t length)
{
    size_t free = out->length + 1 < out->size ? out->size - 1 - out->length : 0;
    return length < free ? length : free;
}

/* Count copies of a character; store those that fit. Out of line, as are the helpers below: the formatter is
 * kept small (a PD that formats links all of it). */
static __attribute__((noinline)) void put(output_t *out, char c, size_t count)
{
    size_t n = room(out, count);
    for (size_t i = 0; i < n; i++) {
        out->buffer[out->length + i] = c;
    }
    out->length += count;
}

static __attribute__((noinline)) void put_text(output_t *out, const char *text, size_t length)
{
    size_t n = room(out, length);
    for (size_t i = 0; i < n; i++) {
        out->buffer[out->length + i] = text[i];
    }
    out->length += length;
}

/* Emit a field: padding, the sign or prefix, zeros, then the body. With '0' (and not '-') the padding is zeros
 * after the prefix; otherwise spaces before it, or after the body with '-'. Sizes in size_t: a body may be
 * longer than INT_MAX. */
static __attribute__((noinline)) void put_field(output_t *out, const char *prefix, size_t zeros, const char *body,
                                                size_t body_length, const spec_t *spec, bool zero_pad)
{
    size_t prefix_length = 0;
    while (prefix[prefix_length] != '\0') {
        prefix_length++;
    }
    /* Padding = width - (prefix + zeros + body), subtracted one part at a time so that nothing can wrap. */
    size_t pad = spec->width;
    pad = pad > body_length ? pad - body_length : 0;
    pad = pad > zeros ? pad - zeros : 0;
    pad = pad > prefix_length ? pad - prefix_length : 0;
    bool left = (spec->flags & FLAG_LEFT) != 0;

    if (!left && !zero_pad && pad != 0) {
        put(out, ' ', pad);
    }
    if (prefix_length != 0) {
        put_text(out, prefix, prefix_length);
    }
    size_t leading_zeros = (!left && zero_pad ? pad : 0) + zeros;
    if (leading_zeros != 0) {
        put(out, '0', leading_zeros);
    }
    put_text(out, body, body_length);
    if (left && pad != 0) {
        put(out, ' ', pad);
    }
}

/* An integer conversion (d i u o x X, and p): sign or prefix, zeros up to the precision, the digits. */
static __attribute__((noinline)) void put_integer(output_t *out, const spec_t *spec, char conversion,
                                                  uint64_t magnitude, bool negative)
{
    char digits[24];
    unsigned base = conversion == 'o' ? 8 : (conversion == 'x' || conversion == 'X' || conversion == 'p') ? 16 : 10;
    const char *alphabet = conversion == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = digits + sizeof(digits);
    uint64_t v = magnitude;
    do {
        *--p = alphabet[v % base];
        v /= base;
    } while (v != 0);
    size_t length = (size_t)(digits + sizeof(digits) - p);
    if (spec->precision == 0 && magnitude == 0) {
        /* "%.0d" of 0 prints no digits. */
        length = 0;
    }
    size_t zeros = spec->precision > 0 && (size_t)spec->precision > length ? (size_t)spec->precision - length : 0;

    const char *prefix = "";
    if (conversion == 'd' || conversion == 'i') {
        prefix = negative ? "-" : (spec->flags & FLAG_PLUS) ? "+" : (spec->flags & FLAG_SPACE) ? " " : "";
    } else if (conversion == 'p') {
        prefix = "0x";
    } else if ((spec->flags & FLAG_ALTERNATE) && conversion == 'o') {
        /* '#' with o: the first digit is a 0. */
        if (zeros == 0 && (length == 0 || p[0] != '0')) {
            zeros = 1;
        }
    } else if ((spec->flags & FLAG_ALTERNATE) && magnitude != 0) {
        prefix = conversion == 'X' ? "0X" : conversion == 'x' ? "0x" : "";
    }
    /* With a precision, '0' is ignored (C11 7.21.6.1). */
    put_field(out, prefix, zeros, p, length, spec, (spec->flags & FLAG_ZERO) && spec->precision < 0);
}

/* The next integer argument of a conversion, as its type says: every type a length modifier names is one of
 * these (the checks above), and char and short arrive promoted to int. */
static __attribute__((noinline)) uint64_t take_integer(va_list *args, length_t length, bool is_signed)
{
    switch (length) {
    case LENGTH_L:
        return is_signed ? (uint64_t)va_arg(*args, long) : va_arg(*args, unsigned long);
    case LENGTH_LL:
    case LENGTH_DOUBLE:
        return is_signed ? (uint64_t)va_arg(*args, long long) : va_arg(*args, unsigned long long);
    default:
        break;
    }
    if (is_signed) {
        int v = va_arg(*args, int);
        return (uint64_t)(int64_t)(length == LENGTH_HH ? (signed char)v : length == LENGTH_H ? (short)v : v);
    }
    unsigned v = va_arg(*args, unsigned);
    return length == LENGTH_HH ? (unsigned char)v : length == LENGTH_H ? (unsigned short)v : v;
}

static __attribute__((noinline)) const void *take_pointer(va_list *args)
{
    return va_arg(*args, const void *);
}

#ifdef FMT_SKIP_FLOATING_BY_HAND
/* Step over one floating-point argument as AAPCS64's va_arg does (AAPCS64, appendix "Variable argument lists"),
 * without naming a floating-point type. Such arguments travel in the SIMD/FP registers v0-v7 and, past the
 * eighth, on the stack; they never take an integer register, so only a stack slot needs skipping.
 * - __vr_offs < 0: the va_list was started by code with FP registers, which saved v0-v7 (one 16-byte slot each).
 * - Otherwise a va_start built with -mgeneral-regs-only (every variadic function of this library in a PD) saved
 *   none and left __vr_offs at 0; the caller (it must have FP registers to pass a double) still put the first
 *   eight in v0-v7: @p unsaved counts those left. None of this library's variadic functions has a named
 *   floating-point parameter, so all eight registers are free for the variadic ones.
 * - Then the stack: 8 bytes, or 16 aligned to 16 for a long double. */
static void skip_floating(va_list *args, uint32_t *unsaved, bool long_double)
{
    if (args->__vr_offs < 0) {
        args->__vr_offs += 16;
    } else if (*unsaved > 0) {
        (*unsaved)--;
    } else {
        uintptr_t slot = (uintptr_t)args->__stack;
        if (long_double) {
            slot = (slot + 15) & ~(uintptr_t)15;
        }
        args->__stack = (void *)(slot + (long_double ? 16 : 8));
    }
}
#endif

/* A number in a specification: digits, saturating at 100000 (more could not be printed anyway). */
static __attribute__((noinline)) int read_number(const char **f)
{
    int n = 0;
    while (**f >= '0' && **f <= '9') {
        if (n < 100000) {
            n = n * 10 + (**f - '0');
        }
        (*f)++;
    }
    return n;
}

/* A width or precision: a number, or '*' for the next int argument. */
static __attribute__((noinline)) int read_amount(const char **f, va_list *args)
{
    if (**f != '*') {
        return read_number(f);
    }
    (*f)++;
    return (int)take_integer(args, LENGTH_NONE, true);
}

/* The flag characters, as bits over ' '..'I': ' ', '#', '\'', '+', '-', '0', and 'I'. The last two after '#' are
 * glibc's grouping and locale-digit flags, which change nothing in the C locale, nor here. */
#define FLAG_CHARACTERS ((1ull << 0) | (1ull << 3) | (1ull << 7) | (1ull << 11) | (1ull << 13) | (1ull << 16) | \
                         (1ull << ('I' - ' ')))
/* The length modifier characters, as bits over 'L'..'z': h l q L j z Z t. */
#define LENGTH_CHARACTERS ((1ull << ('h' - 'L')) | (1ull << ('l' - 'L')) | (1ull << ('q' - 'L')) | (1ull << 0) | \
                           (1ull << ('j' - 'L')) | (1ull << ('z' - 'L')) | (1ull << ('Z' - 'L')) | \
                           (1ull << ('t' - 'L')))

static inline bool in_set(char c, char first, uint64_t set)
{
    unsigned offset = (unsigned)(unsigned char)c - (unsigned char)first;
    return offset < 64 && ((set >> offset) & 1) != 0;
}

int sel4ft_vfmt(char *buffer, size_t size, const char *format, va_list ap)
{
    if (format == NULL || (buffer == NULL && size != 0)) {
        return -SEL4FT_EINVAL;
    }
    output_t out = { buffer, size, 0 };
    /* A copy the helpers take by address (va_list is an array type on some ABIs). */
    va_list args;
    va_copy(args, ap);
#ifdef FMT_SKIP_FLOATING_BY_HAND
    uint32_t unsaved_fp_registers = args.__vr_offs < 0 ? 0 : 8;
#endif

    for (const char *f = format; *f != '\0'; f++) {
        if (*f != '%') {
            /* A run of plain text at once. */
            size_t n = 1;
            while (f[n] != '\0' && f[n] != '%') {
                n++;
            }
            put_text(&out, f, n);
            f += n - 1;
            continue;
        }
        const char *spec_start = f;
        f++;

        spec_t spec = { .precision = -1 };
        for (; in_set(*f, ' ', FLAG_CHARACTERS); f++) {
            spec.flags |= *f == '-' ? FLAG_LEFT : *f == '0' ? FLAG_ZERO : *f == '+' ? FLAG_PLUS : *f == ' ' ? FLAG_SPACE
                        : *f == '#' ? FLAG_ALTERNATE : 0;
        }
        int width = *f == '*' || (*f >= '1' && *f <= '9') ? read_amount(&f, &args) : 0;
        if (width < 0) {
            /* A negative '*' width means '-'. */
            spec.flags |= FLAG_LEFT;
            width = width == INT32_MIN ? 0 : -width;
        }
        spec.width = width > 100000 ? 100000 : (size_t)width;
        if (*f == '.') {
            f++;
            spec.precision = read_amount(&f, &args);
            if (spec.precision < 0) {
                /* A negative precision counts as none. */
                spec.precision = -1;
            }
        }

        length_t length = LENGTH_NONE;
        if (in_set(*f, 'L', LENGTH_CHARACTERS)) {
            /* h and l, or hh and ll; q means ll, L long double; j, z, Z and t long. */
            bool twice = (*f == 'h' || *f == 'l') && f[1] == *f;
            length = *f == 'h' ? (twice ? LENGTH_HH : LENGTH_H) : *f == 'l' ? (twice ? LENGTH_LL : LENGTH_L)
                   : *f == 'q' ? LENGTH_LL : *f == 'L' ? LENGTH_DOUBLE : LENGTH_L;
            f += twice ? 2 : 1;
        }

        char conversion = *f;
        /* Conversions that are not formatted are printed as written. */
        bool verbatim = false;
        if (conversion == '%') {
            put(&out, '%', 1);
            continue;
        }
        switch (conversion) {
        case 'c':
        case 'C': {
            uint64_t c = take_integer(&args, LENGTH_NONE, conversion == 'c');
            if (length != LENGTH_NONE || conversion == 'C') {
                /* %lc and %C: a wide character (the promoted wint_t), not converted; other modifiers are
                 * undefined. */
                verbatim = true;
            } else {
                char character = (char)c;
                put_field(&out, "", 0, &character, 1, &spec, false);
            }
            break;
        }
        case 's':
        case 'S': {
            const char *s = take_pointer(&args);
            if (length != LENGTH_NONE || conversion == 'S') {
                /* %ls and %S: a wide string, not converted; other modifiers are undefined. */
                verbatim = true;
                break;
            }
            if (s == NULL) {
                s = "(null)";
            }
            size_t n = 0;
            while ((spec.precision < 0 || n < (size_t)spec.precision) && s[n] != '\0') {
                n++;
            }
            put_field(&out, "", 0, s, n, &spec, false);
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = (int64_t)take_integer(&args, length, true);
            /* Magnitude in unsigned arithmetic, so INT64_MIN is fine. */
            put_integer(&out, &spec, conversion, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X':
            put_integer(&out, &spec, conversion, take_integer(&args, length, false), false);
            break;
        case 'p':
            put_integer(&out, &spec, 'p', (uintptr_t)take_pointer(&args), false);
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            /* Floating point is not formatted: the argument is consumed, so the conversions after it get theirs,
             * and the specification is printed as written. */
#ifdef FMT_SKIP_FLOATING_BY_HAND
            skip_floating(&args, &unsaved_fp_registers, length == LENGTH_DOUBLE);
#else
            if (length == LENGTH_DOUBLE) {
                (void)va_arg(args, long double);
            } else {
                (void)va_arg(args, double);
            }
#endif
            verbatim = true;
            break;
        case 'n':
            /* Never written through (a format string must not be able to write memory): consumed, shown. */
            (void)take_pointer(&args);
            verbatim = true;
            break;
        case '\0':
            /* The format ended early: print the specification as written, and stop. */
            f--;
            verbatim = true;
            break;
        default:
            /* Unknown conversion: print the specification as written. It takes no argument that a compiler's
             * format check would accept. */
            verbatim = true;
            break;
        }
        if (verbatim) {
            put_text(&out, spec_start, (size_t)(f - spec_start + 1));
        }
    }
    va_end(args);

    if (size != 0) {
        buffer[out.length < size ? out.length : size - 1] = '\0';
    }
    /* The result length is capped so that it always fits the int return. */
    return out.length > INT32_MAX ? INT32_MAX : (int)out.length;
}

int sel4ft_fmt(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = sel4ft_vfmt(buffer, size, format, args);
    va_end(args);
    return n;
}

int sel4ft_printf(const char *format, ...)
{
    char line[256];
    va_list args;

    va_start(args, format);
    int n = sel4ft_vfmt(line, sizeof(line), format, args);
    va_end(args);
    if (n < 0) {
        return n;
    }
    size_t length = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    sel4ft_os_console_write(line, length);
    return (int)length;
}
