/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The restart shim for drivers written without restarts in mind (sel4ft/driver.h). A driver PD links it with
 * --wrap=init --wrap=notified: libmicrokit's calls of init() and notified() then come here, and the driver's own
 * are __real_init() and __real_notified(). Nothing else refers to this file, so a PD linked without the wrapping
 * does not pull it out of the library. */

#include <sel4ft/driver.h>
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/log.h>
#include <sel4ft/logfmt.h>
#include <sel4ft/restart.h>

void __real_init(void);
void __real_notified(microkit_channel ch);
void __wrap_init(void);
void __wrap_notified(microkit_channel ch);

/* In .bss: a restart gives it back as at first start, before anything reads it. */
static struct {
    uint64_t incarnation;
    bool admitted;
    uint64_t held; /* bit n: a notification on channel n waits for the admission */
} shim;

static void say_error(const char *what, int err)
{
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "driver_shim_error");
    sel4ft_logfmt_str(&line, "what", what);
    sel4ft_logfmt_str(&line, "error", sel4ft_strerror(err));
    sel4ft_log_event(SEL4FT_LOG_ERROR, &line);
}

/* Plain 8-byte stores: the regions are page-aligned device memory the compiler must not turn into calls. */
static uint64_t clear_region(const sel4ft_driver_region_t *region)
{
    if (region->vaddr == 0 || region->size == 0) {
        return 0;
    }
    volatile uint64_t *word = (volatile uint64_t *)region->vaddr;
    for (size_t i = 0; i < region->size / sizeof(uint64_t); i++) {
        word[i] = 0;
    }
    return region->size;
}

void __wrap_init(void)
{
    const sel4ft_driver_shim_config_t *config = &sel4ft_driver_shim_config;
    uint64_t incarnation = 1;

    /* First of all: the driver's image as at first start. The first start takes the snapshot here, before the
     * driver's init() has changed anything. */
    int err = sel4ft_restart_begin((void *)config->snapshot.vaddr, config->snapshot.size, &incarnation);
    if (config->log_ring.vaddr != 0) {
        sel4ft_log_init((void *)config->log_ring.vaddr, config->log_ring.size, config->log_channel);
    }
    if (err != 0) {
        say_error("cannot restore the driver's first-start image; stopping", err);
        __builtin_trap();
    }
    shim.incarnation = incarnation;

    uint64_t cleared = 0;
    uint32_t acked = 0;
    if (incarnation > 1) {
        /* The device first, so that it writes nothing more into the regions cleared next. */
        if (config->quiesce != NULL) {
            config->quiesce();
        }
        for (uint32_t i = 0; i < SEL4FT_DRIVER_RESET_REGIONS; i++) {
            cleared += clear_region(&config->reset[i]);
        }
        /* An interrupt delivered to the crashed incarnation and never acknowledged stays masked otherwise. */
        for (uint32_t ch = 0; ch <= SEL4FT_OS_MAX_CHANNEL; ch++) {
            if ((config->irq_channels >> ch) & 1u) {
                sel4ft_os_irq_ack(ch);
                acked++;
            }
        }
    }

    __real_init();

    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "driver_start");
    sel4ft_logfmt_u64(&line, "incarnation", incarnation);
    if (incarnation > 1) {
        sel4ft_logfmt_u64(&line, "cleared_bytes", cleared);
        sel4ft_logfmt_u64(&line, "irqs_acked", acked);
        sel4ft_logfmt_str(&line, "quiesced", config->quiesce != NULL ? "yes" : "no");
    }
    sel4ft_log_event(SEL4FT_LOG_INFO, &line);

    /* The component above puts the queues in order, admits this incarnation and notifies; until then the
     * notifications from it and the device's interrupts are held back (__wrap_notified). */
    sel4ft_driver_announce(config->handshake, incarnation);
    sel4ft_os_notify(config->upper_channel);
}

static void deliver(const sel4ft_driver_shim_config_t *config, microkit_channel ch)
{
    bool irq = ((config->irq_channels >> ch) & 1u) != 0;
    bool upper = ch == config->upper_channel;
    if (config->hook != NULL && (irq || upper)) {
        config->hook(irq ? SEL4FT_DRIVER_BEFORE_IRQ : SEL4FT_DRIVER_BEFORE_REQUEST);
    }
    __real_notified(ch);
    if (config->hook != NULL && (irq || upper)) {
        config->hook(irq ? SEL4FT_DRIVER_AFTER_IRQ : SEL4FT_DRIVER_AFTER_REQUEST);
    }
}

void __wrap_notified(microkit_channel ch)
{
    const sel4ft_driver_shim_config_t *config = &sel4ft_driver_shim_config;

    if (ch == config->monitor_channel) {
        if (config->heartbeat != NULL) {
            sel4ft_heartbeat_beat(config->heartbeat);
        }
        return;
    }
    bool gated = ch == config->upper_channel || ((config->irq_channels >> ch) & 1u) != 0;
    if (shim.admitted || !gated) {
        deliver(config, ch);
        return;
    }
    if (ch != config->upper_channel || !sel4ft_driver_is_admitted(config->handshake, shim.incarnation)) {
        shim.held |= 1ull << ch;
        return;
    }
    shim.admitted = true;
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "driver_admitted");
    sel4ft_logfmt_u64(&line, "incarnation", shim.incarnation);
    sel4ft_log_event(SEL4FT_LOG_INFO, &line);
    sel4ft_os_notify(config->monitor_channel);

    /* What was held back, interrupts first (each is acknowledged by the driver as it handles it), then the
     * notification that admitted it. */
    uint64_t held = shim.held & ~(1ull << ch);
    shim.held = 0;
    for (uint32_t held_ch = 0; held != 0; held_ch++, held >>= 1) {
        if (held & 1u) {
            deliver(config, held_ch);
        }
    }
    deliver(config, ch);
}

bool sel4ft_driver_shim_state(uint64_t *incarnation)
{
    if (incarnation != NULL) {
        *incarnation = shim.incarnation;
    }
    return shim.admitted;
}
