# Interface targets every project target links: warnings and sanitizers are
# decided here once, not per target.
add_library(snapshot_sync_warnings INTERFACE)
target_compile_options(snapshot_sync_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2)
if(SNAPSHOT_SYNC_WERROR)
  target_compile_options(snapshot_sync_warnings INTERFACE -Werror)
endif()

add_library(snapshot_sync_sanitizers INTERFACE)
if(SNAPSHOT_SYNC_SANITIZE)
  target_compile_options(snapshot_sync_sanitizers INTERFACE
    -fsanitize=${SNAPSHOT_SYNC_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(snapshot_sync_sanitizers INTERFACE -fsanitize=${SNAPSHOT_SYNC_SANITIZE})
endif()
