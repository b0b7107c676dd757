#include <sel4ft/checkpoint.h>
/*@ requires \valid(checkpoint);
    requires checkpoint->region == \null ||
       (checkpoint->slot_size >= 40 && \valid(checkpoint->region + (0 .. 2 * (size_t)checkpoint->slot_size - 1)));
    requires data == \null || \valid((uint8_t *)data + (0 .. capacity - 1));
    requires report == \null || \valid(report);
*/
int sel4ft_checkpoint_load(sel4ft_checkpoint_t *checkpoint, void *data, size_t capacity,
                           sel4ft_checkpoint_report_t *report);
/*@ requires \valid_read((uint8_t *)data + (0 .. length - 1));
    assigns \nothing; */
uint64_t sel4ft_checksum(uint64_t seed, const void *data, size_t length);
