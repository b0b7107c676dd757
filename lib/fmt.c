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

/* An output cursor: counts every character, stores those that fit. */
typedef struct {
    char *buffer;
    size_t size;
    size_t length;
} output_t;

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

/* Emit digits/text with padding: a sign or prefix goes before zero padding, after space padding. Sizes in
 * size_t: a body may be longer than INT_MAX. */
static void put_field(output_t *out, const char *prefix, const char *body, size_t body_length, int width, bool left,
                      bool zero_pad)
{
    size_t prefix_length = 0;
    while (prefix[prefix_length] != '\0') {
        prefix_length++;
    }
    /* Padding = width - (prefix + body), subtracted one part at a time so that nothing can wrap. */
    size_t pad = width > 0 ? (size_t)width : 0;
    pad = pad > body_length ? pad - body_length : 0;
    pad = pad > prefix_length ? pad - prefix_length : 0;
    if (!left && !zero_pad) {
        put_repeat(out, ' ', pad);
    }
    for (size_t i = 0; i < prefix_length; i++) {
        put_char(out, prefix[i]);
    }
    if (!left && zero_pad) {
        put_repeat(out, '0', pad);
    }
    for (size_t i = 0; i < body_length; i++) {
        put_char(out, body[i]);
    }
    if (left) {
        put_repeat(out, ' ', pad);
    }
}

/* Digits of value in base 10 or 16, written backwards from the end of digits[]; returns the start. */
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

int sel4ft_vfmt(char *buffer, size_t size, const char *format, va_list args)
{
    if (format == NULL || (buffer == NULL && size != 0)) {
        return -SEL4FT_EINVAL;
    }
    output_t out = { buffer, size, 0 };

    for (const char *f = format; *f != '\0'; f++) {
        if (*f != '%') {
            put_char(&out, *f);
            continue;
        }
        const char *spec_start = f;
        f++;

        bool left = false;
        bool zero_pad = false;
        for (;; f++) {
            if (*f == '-') {
                left = true;
            } else if (*f == '0') {
                zero_pad = true;
            } else {
                break;
            }
        }

        int width = 0;
        if (*f == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                left = true;
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
        if (width > 100000) {
            width = 100000;
        }

        int precision = -1;
        if (*f == '.') {
            f++;
            precision = 0;
            if (*f == '*') {
                precision = va_arg(args, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9') {
                    if (precision < 100000) {
                        precision = precision * 10 + (*f - '0');
                    }
                    f++;
                }
            }
        }

        int longs = 0;
        bool size_modifier = false;
        while (*f == 'l') {
            longs++;
            f++;
        }
        if (*f == 'z') {
            size_modifier = true;
            f++;
        }

        char digits[24];
        switch (*f) {
        case '%':
            put_char(&out, '%');
            break;
        case 'c': {
            char c = (char)va_arg(args, int);
            put_field(&out, "", &c, 1, width, left, false);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            size_t n = 0;
            while ((precision < 0 || n < (size_t)precision) && s[n] != '\0') {
                n++;
            }
            put_field(&out, "", s, n, width, left, false);
            break;
        }
        case 'd':
        case 'i': {
            int64_t v;
            if (longs >= 2) {
                v = va_arg(args, long long);
            } else if (longs == 1 || size_modifier) {
                v = va_arg(args, long);
            } else {
                v = va_arg(args, int);
            }
            /* Magnitude in unsigned arithmetic, so INT64_MIN is fine. */
            uint64_t magnitude = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            char *p = format_unsigned(digits, magnitude, 10, false);
            put_field(&out, v < 0 ? "-" : "", p, (size_t)(digits + 24 - p), width, left, zero_pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v;
            if (longs >= 2) {
                v = va_arg(args, unsigned long long);
            } else if (longs == 1 || size_modifier) {
                v = va_arg(args, unsigned long);
            } else {
                v = va_arg(args, unsigned int);
            }
            char *p = format_unsigned(digits, v, *f == 'u' ? 10 : 16, *f == 'X');
            put_field(&out, "", p, (size_t)(digits + 24 - p), width, left, zero_pad);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(args, void *);
            char *p = format_unsigned(digits, v, 16, false);
            put_field(&out, "0x", p, (size_t)(digits + 24 - p), width, left, zero_pad);
            break;
        }
        default:
            /* Unknown conversion (or the format ended early): print the specification as written. */
            for (const char *s = spec_start; s <= f && *s != '\0'; s++) {
                put_char(&out, *s);
            }
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
