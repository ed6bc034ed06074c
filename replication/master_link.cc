#include "replication/master_link.h"
