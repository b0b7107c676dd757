#pragma once
#include "bench_config.h"
