/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The log ring's signalling protocol (lib/logring.c), for Spin: one producer, one consumer, the ring's
 * indices, the consumer's "wants a signal" flag and the kernel's notification.
 *
 * What is modelled, and how it maps to the code:
 *   producer  sel4ft_logring_write(): claim() (load-acquire of tail; a full ring counts a drop),
 *             publish() (store-release of head, sel4ft_fence_full(), load of wants_signal, and when it is
 *             set: clear it, sel4ft_os_notify()).
 *   consumer  the logger's loop: sel4ft_logring_drain() until the ring is empty (each read copies a slot,
 *             then store-release of tail), then sel4ft_logring_consumer_arm() (store of wants_signal = 1,
 *             sel4ft_fence_full(), load-acquire of head: records arrived -> drain again), else wait for
 *             the notification (seL4_Wait on a notification: a binary semaphore the kernel keeps; a
 *             signal while one is pending merges with it).
 *
 * Memory order. The slot contents before head (release/acquire) and the slot copy before tail
 * (release/acquire) are message-passing pairs the code orders explicitly; they are not about signalling,
 * and the model keeps them in program order. What the signalling relies on is the store->load order
 * around the two full fences: "store head; fence; load wants_signal" against "store wants_signal; fence;
 * load head" (the store-buffering litmus test). Even x86 reorders a store with a later load, and the
 * compiler may too, so each of those two stores goes through a one-entry store buffer: the other side
 * sees it only once it is flushed, which happens at any moment (process `memory`) and at the latest at
 * the writer's fence. Build with -DNO_FENCE and the fences are gone: the loads may then overtake the
 * buffered stores, and the model has a counterexample (a lost wake-up). -DNO_RECHECK removes the
 * consumer's check of head after arming instead; that breaks it too.
 *
 * The producer's clearing of wants_signal is followed by a system call (the notify); seL4's kernel entry
 * orders the clear before the signal (a barrier on SMP kernels, and on the uniprocessor kernels the
 * target runs, both PDs share one core, where no reordering is visible at all). The model therefore
 * performs clear and signal in that order, as two steps.
 *
 * Bounds: a ring of CAPACITY slots, RECORDS records offered (more than fit, so drops happen).
 *
 * Properties (spin -run with -N each, see verify/verify.mk):
 *   asleep_unread   safety: never is the consumer asleep while a published record is unread, no
 *                   notification is pending, and the producer is not on its way to signal (between its
 *                   store of head and the end of its wants_signal check);
 *   all_consumed    liveness: eventually and for good, the producer is done and every record it offered
 *                   was either read by the consumer or counted as dropped;
 *   no_lost_signal  liveness: a pending notification is always taken by the consumer's wait (never left
 *                   stranded or cleared by anything else), and a request the producer took (it cleared
 *                   wants_signal) is always answered by a notification.
 */

#ifndef CAPACITY
#define CAPACITY 2
#endif
#ifndef RECORDS
#define RECORDS 4
#endif

byte head = 0;            /* control->head as the consumer sees it (memory) */
byte tail = 0;            /* control->tail */
byte dropped = 0;         /* control->dropped */
bit wants_signal = 0;     /* control->wants_signal (memory) */
bit notification = 0;     /* the kernel's notification word: 1 = a signal is pending */

/* Store buffers: a store issued but not yet visible to the other side. */
bit head_buffered = 0;
byte head_buffer;
bit want_buffered = 0;

/* Ghost state for the properties. */
byte published = 0;       /* records the producer published (its own view of head) */
bit producer_done = 0;
bit producer_window = 0;  /* between the store of head and the end of the wants_signal check */
bit owed = 0;             /* the producer cleared wants_signal and has not signalled yet */
bit asleep = 0;           /* the consumer waits for the notification */

inline flush_head()
{
    atomic { if :: head_buffered -> head = head_buffer; head_buffered = 0 :: else -> skip fi }
}

inline flush_want()
{
    atomic { if :: want_buffered -> wants_signal = 1; want_buffered = 0 :: else -> skip fi }
}

active proctype producer()
{
    byte offered = 0;
    do
    :: offered < RECORDS ->
        if
        :: published - tail >= CAPACITY ->
            /* claim(): the ring is full; count a drop */
            dropped++
        :: else ->
            /* publish(): the slot was written; store-release of head (buffered) */
            atomic { published++; head_buffer = published; head_buffered = 1; producer_window = 1 };
#ifndef NO_FENCE
            flush_head();                       /* sel4ft_fence_full() */
#endif
            if
            :: wants_signal ->
                atomic { wants_signal = 0; owed = 1 };
                atomic { notification = 1; owed = 0 }   /* sel4ft_os_notify() */
            :: else -> skip
            fi;
            producer_window = 0
        fi;
        offered++
    :: else -> break
    od;
    flush_head();
    producer_done = 1
}

active proctype consumer()
{
    byte mine = 0;            /* consumer->tail */
drain:
    do
    :: head != mine ->
        /* sel4ft_logring_read(): load-acquire of head, copy the slot, store-release of tail */
        mine++;
        tail = mine
    :: else -> break
    od;
    /* sel4ft_logring_consumer_arm() */
    want_buffered = 1;
#ifndef NO_FENCE
    flush_want();                               /* sel4ft_fence_full() */
#endif
#ifndef NO_RECHECK
    if
    :: head != mine -> goto drain              /* records arrived meanwhile: read again */
    :: else -> skip
    fi;
#endif
    asleep = 1;
end_wait:
    atomic { notification == 1 -> notification = 0; asleep = 0 };
    goto drain
}

/* The store buffers drain on their own, at any moment. */
active proctype memory()
{
end_memory:
    do
    :: head_buffered -> flush_head()
    :: want_buffered -> flush_want()
    od
}

ltl asleep_unread { [] !(asleep && published != tail && !notification && !producer_window) }
ltl all_consumed { <> [] (producer_done && tail == published && published + dropped == RECORDS) }
ltl no_lost_signal { [] ((notification -> <> (!notification && !asleep)) && (owed -> <> notification)) }
