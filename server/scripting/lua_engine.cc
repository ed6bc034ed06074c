#include "server/scripting/lua_engine.h"
