#include "replication/replication_ids.h"
