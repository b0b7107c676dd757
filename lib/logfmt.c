/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/fmt.h>
#include <sel4ft/logfmt.h>

/* What a cut string value ends with. */
#define ELLIPSIS "..."
#define ELLIPSIS_LENGTH 3u

static size_t length_of(const char *text)
{
    size_t n = 0;
    while (text[n] != '\0') {
        n++;
    }
    return n;
}

static bool printable(char c)
{
    return c > ' ' && c <= '~';
}

static bool needs_quotes(const char *value)
{
    if (*value == '\0') {
        return true;
    }
    for (const char *p = value; *p != '\0'; p++) {
        if (!printable(*p) || *p == '"' || *p == '=' || *p == '\\') {
            return true;
        }
    }
    return false;
}

/* One character of a quoted value as written: an escaped quote or backslash takes two. */
static size_t quoted_width(char c)
{
    return c == '"' || c == '\\' ? 2 : 1;
}

/* Room left for characters, keeping one byte for the NUL. */
static size_t room(const sel4ft_logfmt_t *line)
{
    return line->size > line->used + 1 ? line->size - line->used - 1 : 0;
}

static void put(sel4ft_logfmt_t *line, const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        line->buffer[line->used++] = text[i];
    }
    line->buffer[line->used] = '\0';
}

static void put_quoted_char(sel4ft_logfmt_t *line, char c)
{
    if (c == '"' || c == '\\') {
        put(line, "\\", 1);
    }
    /* A space is printable here; other control characters and non-ASCII bytes are not. */
    put(line, c == ' ' || printable(c) ? &c : "?", 1);
}

void sel4ft_logfmt_begin(sel4ft_logfmt_t *line, char *buffer, size_t size, const char *kind)
{
    line->buffer = buffer;
    line->size = buffer != NULL ? size : 0;
    line->used = 0;
    line->cut = false;
    if (line->size > 0) {
        buffer[0] = '\0';
    }
    size_t n = kind != NULL ? length_of(kind) : 0;
    line->length = n;
    if (n <= room(line)) {
        put(line, kind, n);
    } else {
        line->cut = true;
    }
}

/* " key=" and the value: whole if it fits; else a string value cut to fit and ended with "...". */
static void add_field(sel4ft_logfmt_t *line, const char *key, const char *value, bool string)
{
    size_t key_length = length_of(key);
    bool quoted = string && needs_quotes(value);
    size_t value_length = 0;
    for (const char *p = value; *p != '\0'; p++) {
        value_length += quoted ? quoted_width(*p) : 1;
    }
    size_t frame = 1 + key_length + 1 + (quoted ? 2 : 0);
    line->length += frame + value_length;
    if (line->cut) {
        return;
    }
    size_t space = room(line);
    bool whole = frame + value_length <= space;
    if (!whole) {
        /* Nothing after this field may be written, or a reader would see a field without those before it. */
        line->cut = true;
        if (!string || frame + ELLIPSIS_LENGTH > space) {
            return;
        }
    }
    size_t budget = whole ? value_length : space - frame - ELLIPSIS_LENGTH;
    put(line, " ", 1);
    put(line, key, key_length);
    put(line, "=", 1);
    if (quoted) {
        put(line, "\"", 1);
    }
    for (const char *p = value; *p != '\0'; p++) {
        size_t width = quoted ? quoted_width(*p) : 1;
        if (width > budget) {
            break;
        }
        budget -= width;
        if (quoted) {
            put_quoted_char(line, *p);
        } else {
            put(line, p, 1);
        }
    }
    if (!whole) {
        put(line, ELLIPSIS, ELLIPSIS_LENGTH);
    }
    if (quoted) {
        put(line, "\"", 1);
    }
}

void sel4ft_logfmt_str(sel4ft_logfmt_t *line, const char *key, const char *value)
{
    add_field(line, key, value != NULL ? value : "?", true);
}

void sel4ft_logfmt_u64(sel4ft_logfmt_t *line, const char *key, uint64_t value)
{
    char text[24];
    sel4ft_fmt(text, sizeof(text), "%llu", (unsigned long long)value);
    add_field(line, key, text, false);
}

void sel4ft_logfmt_i64(sel4ft_logfmt_t *line, const char *key, int64_t value)
{
    char text[24];
    sel4ft_fmt(text, sizeof(text), "%lld", (long long)value);
    add_field(line, key, text, false);
}

void sel4ft_logfmt_hex(sel4ft_logfmt_t *line, const char *key, uint64_t value, uint32_t digits)
{
    char text[24];
    sel4ft_fmt(text, sizeof(text), "0x%0*llx", (int)(digits > 16 ? 16 : digits), (unsigned long long)value);
    add_field(line, key, text, false);
}

void sel4ft_logfmt_ticks_us(sel4ft_logfmt_t *line, const char *key, uint64_t ticks, uint64_t tick_hz)
{
    if (tick_hz == 0) {
        return;
    }
    /* Whole seconds apart: the rest times 1e9 fits in 64 bits for any counter up to 18 GHz. */
    uint64_t seconds = ticks / tick_hz;
    uint64_t rest = ticks % tick_hz;
    uint64_t nanos = rest < UINT64_MAX / 1000000000u ? rest * 1000000000u / tick_hz
                                                     : rest / (tick_hz / 1000000000u);
    char text[32];
    sel4ft_fmt(text, sizeof(text), "%llu.%03llu", (unsigned long long)(seconds * 1000000u + nanos / 1000),
               (unsigned long long)(nanos % 1000));
    add_field(line, key, text, false);
}

int sel4ft_logfmt_end(const sel4ft_logfmt_t *line)
{
    return line->length > (size_t)INT32_MAX ? INT32_MAX : (int)line->length;
}
