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
    LENGTH_L,      /* l: long */
    LENGTH_LL,     /* ll, and the synonyms q and (with an integer conversion) L */
    LENGTH_J,      /* j: intmax_t */
    LENGTH_Z,      /* z, and the synonym Z: size_t */
    LENGTH_T,      /* t: ptrdiff_t */
    LENGTH_DOUBLE, /* L with a floating-point conversion: long double */
} length_t;

/* A conversion specification's flags, width and precision. */
typedef struct {
    bool left;      /* '-' */
    bool zero_pad;  /* '0' */
    bool plus;      /* '+' */
    bool space;     /* ' ' */
    bool alternate; /* '#' */
    size_t width;
    int precision;  /* -1: none */
} spec_t;

static void put_char(output_t *out, char c)
{
    if (out->length + 1 < out->size) {
        out->buffer[out->length] = c;
    }
    out->length++;
}

static void put_repeat(output_t *out, char c, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        put_char(out, c);
    }
}

/* Emit a field: padding, the sign or prefix, zeros, then the body. With '0' (and not '-') the padding is zeros
 * after the prefix; otherwise spaces before it, or after the body with '-'. Sizes in size_t: a body may be
 * longer than INT_MAX. */
static void put_field(output_t *out, const char *prefix, size_t zeros, const char *body, size_t body_length,
                      const spec_t *spec, bool zero_pad)
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

    if (!spec->left && !zero_pad) {
        put_repeat(out, ' ', pad);
    }
    for (size_t i = 0; i < prefix_length; i++) {
        put_char(out, prefix[i]);
    }
    if (!spec->left && zero_pad) {
        put_repeat(out, '0', pad);
    }
    put_repeat(out, '0', zeros);
    for (size_t i = 0; i < body_length; i++) {
        put_char(out, body[i]);
    }
    if (spec->left) {
        put_repeat(out, ' ', pad);
    }
}

/* Digits of value in base 8, 10 or 16, written backwards from the end of digits[]; returns the start. */
static char *format_unsigned(char digits[24], uint64_t value, unsigned base, bool upper)
{
    const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = digits + 24;

    do {
        *--p = alphabet[value % base];
        value /= base;
    } while (value != 0);
    return p;
}

/* An integer conversion (d i u o x X, and p): sign or prefix, zeros up to the precision, the digits. */
static void put_integer(output_t *out, const spec_t *spec, char conversion, uint64_t magnitude, bool negative)
{
    char digits[24];
    unsigned base = conversion == 'o' ? 8 : (conversion == 'x' || conversion == 'X' || conversion == 'p') ? 16 : 10;
    char *p = format_unsigned(digits, magnitude, base, conversion == 'X');
    size_t length = (size_t)(digits + 24 - p);
    if (spec->precision == 0 && magnitude == 0) {
        /* "%.0d" of 0 prints no digits. */
        length = 0;
    }
    size_t zeros = spec->precision > 0 && (size_t)spec->precision > length ? (size_t)spec->precision - length : 0;

    const char *prefix = "";
    if (conversion == 'd' || conversion == 'i') {
        prefix = negative ? "-" : spec->plus ? "+" : spec->space ? " " : "";
    } else if (conversion == 'p') {
        prefix = "0x";
    } else if (spec->alternate && conversion == 'o') {
        /* '#' with o: the first digit is a 0. */
        if (zeros == 0 && (length == 0 || p[0] != '0')) {
            zeros = 1;
        }
    } else if (spec->alternate && magnitude != 0) {
        prefix = conversion == 'X' ? "0X" : conversion == 'x' ? "0x" : "";
    }
    /* With a precision, '0' is ignored (C11 7.21.6.1). */
    put_field(out, prefix, zeros, p, length, spec, spec->zero_pad && spec->precision < 0);
}

/* Print a conversion specification as written, for one that is not supported. */
static void put_verbatim(output_t *out, const char *start, const char *end)
{
    for (const char *s = start; s <= end && *s != '\0'; s++) {
        put_char(out, *s);
    }
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

int sel4ft_vfmt(char *buffer, size_t size, const char *format, va_list args)
{
    if (format == NULL || (buffer == NULL && size != 0)) {
        return -SEL4FT_EINVAL;
    }
    output_t out = { buffer, size, 0 };
#ifdef FMT_SKIP_FLOATING_BY_HAND
    uint32_t unsaved_fp_registers = args.__vr_offs < 0 ? 0 : 8;
#endif

    for (const char *f = format; *f != '\0'; f++) {
        if (*f != '%') {
            put_char(&out, *f);
            continue;
        }
        const char *spec_start = f;
        f++;

        spec_t spec = { .precision = -1 };
        for (;; f++) {
            if (*f == '-') {
                spec.left = true;
            } else if (*f == '0') {
                spec.zero_pad = true;
            } else if (*f == '+') {
                spec.plus = true;
            } else if (*f == ' ') {
                spec.space = true;
            } else if (*f == '#') {
                spec.alternate = true;
            } else if (*f == '\'' || *f == 'I') {
                /* glibc's grouping and locale-digit flags: no effect in the C locale, nor here. */
            } else {
                break;
            }
        }

        int width = 0;
        if (*f == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                spec.left = true;
                width = width == INT32_MIN ? 0 : -width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9') {
                if (width < 100000) {
                    width = width * 10 + (*f - '0');
                }
                f++;
            }
        }
        spec.width = width > 100000 ? 100000 : (size_t)width;

        if (*f == '.') {
            f++;
            spec.precision = 0;
            if (*f == '*') {
                spec.precision = va_arg(args, int);
                if (spec.precision < 0) {
                    /* A negative precision counts as none. */
                    spec.precision = -1;
                }
                f++;
            } else {
                while (*f >= '0' && *f <= '9') {
                    if (spec.precision < 100000) {
                        spec.precision = spec.precision * 10 + (*f - '0');
                    }
                    f++;
                }
            }
        }

        length_t length = LENGTH_NONE;
        switch (*f) {
        case 'h':
            f++;
            length = LENGTH_H;
            if (*f == 'h') {
                f++;
                length = LENGTH_HH;
            }
            break;
        case 'l':
            f++;
            length = LENGTH_L;
            if (*f == 'l') {
                f++;
                length = LENGTH_LL;
            }
            break;
        case 'q':
            f++;
            length = LENGTH_LL;
            break;
        case 'L':
            f++;
            length = LENGTH_DOUBLE;
            break;
        case 'j':
            f++;
            length = LENGTH_J;
            break;
        case 'z':
        case 'Z':
            f++;
            length = LENGTH_Z;
            break;
        case 't':
            f++;
            length = LENGTH_T;
            break;
        default:
            break;
        }

        switch (*f) {
        case '%':
            put_char(&out, '%');
            break;
        case 'c': {
            if (length != LENGTH_NONE) {
                /* %lc: a wide character (the promoted wint_t); other modifiers are undefined. */
                (void)va_arg(args, __WINT_TYPE__);
                put_verbatim(&out, spec_start, f);
                break;
            }
            char c = (char)va_arg(args, int);
            put_field(&out, "", 0, &c, 1, &spec, false);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (length != LENGTH_NONE) {
                /* %ls: a wide string; other modifiers are undefined. */
                put_verbatim(&out, spec_start, f);
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
        case 'C':
            /* The same as %lc. */
            (void)va_arg(args, __WINT_TYPE__);
            put_verbatim(&out, spec_start, f);
            break;
        case 'S':
            /* The same as %ls. */
            (void)va_arg(args, const void *);
            put_verbatim(&out, spec_start, f);
            break;
        case 'd':
        case 'i': {
            int64_t v;
            switch (length) {
            case LENGTH_HH:
                v = (signed char)va_arg(args, int);
                break;
            case LENGTH_H:
                v = (short)va_arg(args, int);
                break;
            case LENGTH_L:
                v = va_arg(args, long);
                break;
            case LENGTH_LL:
            case LENGTH_DOUBLE:
                v = va_arg(args, long long);
                break;
            case LENGTH_J:
                v = va_arg(args, intmax_t);
                break;
            case LENGTH_Z:
            case LENGTH_T:
                v = va_arg(args, ptrdiff_t);
                break;
            default:
                v = va_arg(args, int);
                break;
            }
            /* Magnitude in unsigned arithmetic, so INT64_MIN is fine. */
            put_integer(&out, &spec, *f, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uint64_t v;
            switch (length) {
            case LENGTH_HH:
                v = (unsigned char)va_arg(args, unsigned int);
                break;
            case LENGTH_H:
                v = (unsigned short)va_arg(args, unsigned int);
                break;
            case LENGTH_L:
                v = va_arg(args, unsigned long);
                break;
            case LENGTH_LL:
            case LENGTH_DOUBLE:
                v = va_arg(args, unsigned long long);
                break;
            case LENGTH_J:
                v = va_arg(args, uintmax_t);
                break;
            case LENGTH_Z:
            case LENGTH_T:
                v = va_arg(args, size_t);
                break;
            default:
                v = va_arg(args, unsigned int);
                break;
            }
            put_integer(&out, &spec, *f, v, false);
            break;
        }
        case 'p':
            put_integer(&out, &spec, 'p', (uintptr_t)va_arg(args, void *), false);
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
            put_verbatim(&out, spec_start, f);
            break;
        case 'n':
            /* Never written through (a format string must not be able to write memory): consumed, shown. */
            (void)va_arg(args, void *);
            put_verbatim(&out, spec_start, f);
            break;
        default:
            /* Unknown conversion (or the format ended early): print the specification as written. It takes no
             * argument that a compiler's format check would accept. */
            put_verbatim(&out, spec_start, f);
            if (*f == '\0') {
                f--;
            }
            break;
        }
    }

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
