#include "replication/backlog.h"
