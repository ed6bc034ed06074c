#include "replication/stream_encoder.h"
