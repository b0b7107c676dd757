/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* A restarted passive server must answer the caller its crash left waiting and wait again in one step
 * (seL4_ReplyRecv), and it must not ask the Microkit monitor to make it passive a second time. libmicrokit's
 * event loop cannot be entered that way, so this file holds the one copy of it the library keeps: the loop of
 * libmicrokit 2.0.1 (libmicrokit/src/main.c, handler_loop), entered with a reply. It depends on that release's
 * capability slots and badge layout, so it builds only against the SDK version it was written for. */

#include <stdbool.h>

#include <sel4ft/os.h>

#ifndef SEL4FT_MICROKIT_VERSION
#error "build with -DSEL4FT_MICROKIT_VERSION=<the SDK's VERSION as MMmmpp>, as lib/sel4ft.mk does"
#elif SEL4FT_MICROKIT_VERSION != 20001
#error "this loop mirrors libmicrokit 2.0.1's event loop: check it against the SDK's libmicrokit/src/main.c"
#endif

/* libmicrokit 2.0.1's capability slots: the endpoint every message arrives on, and the PD's reply object. */
#define INPUT_CAP 1
#define REPLY_CAP 4

/* Its badge layout: bit 63 marks a protected procedure call, bit 62 a child's fault; otherwise every set bit
 * is a channel that was notified. A call's badge holds the channel in its low 6 bits, a fault's the child. */
#define BADGE_PPC (1ull << 63)
#define BADGE_FAULT (1ull << 62)
#define BADGE_CHANNEL_MASK 0x3full
#define BADGE_CHILD_MASK 0xffull

void sel4ft_os_serve_after_restart(sel4ft_msginfo_t first_reply)
{
    seL4_MessageInfo_t reply_tag = first_reply;
    bool have_reply = true;

    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t tag;

        if (have_reply) {
            /* Answers whoever the crash left waiting (a no-op when nobody was), then waits, passively if passive. */
            tag = seL4_ReplyRecv(INPUT_CAP, reply_tag, &badge, REPLY_CAP);
        } else if (microkit_have_signal) {
            tag = seL4_NBSendRecv(microkit_signal_cap, microkit_signal_msg, INPUT_CAP, &badge, REPLY_CAP);
            microkit_have_signal = seL4_False;
        } else {
            tag = seL4_Recv(INPUT_CAP, &badge, REPLY_CAP);
        }

        have_reply = false;
        if ((badge & BADGE_FAULT) != 0) {
            have_reply = fault(badge & BADGE_CHILD_MASK, tag, &reply_tag);
        } else if ((badge & BADGE_PPC) != 0) {
            reply_tag = protected(badge & BADGE_CHANNEL_MASK, tag);
            have_reply = true;
        } else {
            for (unsigned int ch = 0; badge != 0; ch++, badge >>= 1) {
                if (badge & 1) {
                    notified(ch);
                }
            }
        }
    }
}
