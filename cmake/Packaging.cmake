# Installed files beyond the binary, and the Debian package:
#   cmake -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build
#   cd build && cpack -G DEB        # -> snapshot-sync_<version>_<arch>.deb
#   apt-get install ./snapshot-sync_*.deb
#
# The package holds (src/CMakeLists.txt installs the binary):
#   /usr/bin/snapshot-sync
#   /etc/snapshot-sync/snapshot-sync.toml            (a conffile)
#   /lib/systemd/system/snapshot-sync.{service,timer} (not enabled on install)
#   /usr/share/man/man1/snapshot-sync.1.gz
#   /usr/share/doc/snapshot-sync/operations.md       (docs/operations.md)
#   /usr/share/doc/snapshot-sync/examples/           (config, cron, logrotate)
# Runtime dependencies come from dpkg-shlibdeps (package dpkg-dev), plus
# ca-certificates for TLS to Segment. scripts/check-deploy.sh builds the
# package, checks its Depends and installs it.
include(GNUInstallDirs)

# /etc and /lib/systemd are absolute on purpose: a Debian package puts them
# there whatever its prefix (/usr). Turn this off for a `cmake --install`
# into a private prefix that must not touch /etc.
option(SNAPSHOT_SYNC_INSTALL_SYSTEM_FILES
       "Install the config to /etc/snapshot-sync and the systemd units to /lib/systemd/system" ON)

set(SNAPSHOT_SYNC_SYSCONF_DIR "/etc/snapshot-sync")
set(SNAPSHOT_SYNC_UNIT_DIR "/lib/systemd/system")  # Debian 12 path (merged /usr: same as /usr/lib)

if(SNAPSHOT_SYNC_INSTALL_SYSTEM_FILES)
  install(FILES "${PROJECT_SOURCE_DIR}/config/snapshot-sync.toml"
          DESTINATION "${SNAPSHOT_SYNC_SYSCONF_DIR}"
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  install(FILES "${PROJECT_SOURCE_DIR}/deploy/systemd/snapshot-sync.service"
                "${PROJECT_SOURCE_DIR}/deploy/systemd/snapshot-sync.timer"
          DESTINATION "${SNAPSHOT_SYNC_UNIT_DIR}")
endif()

install(FILES "${PROJECT_SOURCE_DIR}/config/snapshot-sync.toml"
              "${PROJECT_SOURCE_DIR}/deploy/cron/snapshot-sync.cron"
              "${PROJECT_SOURCE_DIR}/deploy/cron/snapshot-sync.logrotate"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")

install(FILES "${PROJECT_SOURCE_DIR}/docs/operations.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# Optional index migrations (sql/<dialect>/optional/): for the operator to
# review and apply; the job never runs them.
foreach(dialect sqlite postgresql mysql)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/sql/${dialect}/optional/"
          DESTINATION "${CMAKE_INSTALL_DOCDIR}/optional-indexes/${dialect}")
endforeach()

# The man page, compressed as Debian wants it (-n: no name or time stamp in
# the .gz, so the package is reproducible).
find_program(SNAPSHOT_SYNC_GZIP gzip REQUIRED)
set(SNAPSHOT_SYNC_MAN_GZ "${PROJECT_BINARY_DIR}/snapshot-sync.1.gz")
add_custom_command(
  OUTPUT "${SNAPSHOT_SYNC_MAN_GZ}"
  COMMAND "${SNAPSHOT_SYNC_GZIP}" -9 -n -c "${PROJECT_SOURCE_DIR}/docs/snapshot-sync.1" > "${SNAPSHOT_SYNC_MAN_GZ}"
  DEPENDS "${PROJECT_SOURCE_DIR}/docs/snapshot-sync.1"
  COMMENT "Compressing the man page"
  VERBATIM)
add_custom_target(snapshot_sync_man ALL DEPENDS "${SNAPSHOT_SYNC_MAN_GZ}")
install(FILES "${SNAPSHOT_SYNC_MAN_GZ}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

# Debian maintainer scripts and the conffiles list, generated into the build
# tree (CPack takes them from there).
set(SNAPSHOT_SYNC_DEBIAN_DIR "${PROJECT_BINARY_DIR}/debian-control")
file(MAKE_DIRECTORY "${SNAPSHOT_SYNC_DEBIAN_DIR}")
file(WRITE "${SNAPSHOT_SYNC_DEBIAN_DIR}/conffiles" "${SNAPSHOT_SYNC_SYSCONF_DIR}/snapshot-sync.toml\n")
file(WRITE "${SNAPSHOT_SYNC_DEBIAN_DIR}/postinst" [=[#!/bin/sh
# The timer is NOT enabled: the job needs a write key and a database first.
# See /usr/share/doc/snapshot-sync/ and snapshot-sync(1).
set -e
if [ "$1" = configure ]; then
    install -d -m 0700 /etc/snapshot-sync/credentials
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null 2>&1 || true
    fi
fi
exit 0
]=])
file(WRITE "${SNAPSHOT_SYNC_DEBIAN_DIR}/prerm" [=[#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl --system stop snapshot-sync.timer snapshot-sync.service >/dev/null 2>&1 || true
    systemctl --system disable snapshot-sync.timer >/dev/null 2>&1 || true
fi
exit 0
]=])
file(WRITE "${SNAPSHOT_SYNC_DEBIAN_DIR}/postrm" [=[#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null 2>&1 || true
fi
if [ "$1" = purge ]; then
    # The systemd unit's checkpoint (DynamicUser= keeps it under
    # /var/lib/private, /var/lib/snapshot-sync is a symlink to it) and the
    # credentials directory made above. A real /var/lib/snapshot-sync
    # directory (the cron setup's) is the operator's: it stays.
    rm -rf /var/lib/private/snapshot-sync /etc/snapshot-sync/credentials
    if [ -L /var/lib/snapshot-sync ]; then rm -f /var/lib/snapshot-sync; fi
    rmdir /etc/snapshot-sync 2>/dev/null || true
fi
exit 0
]=])
file(CHMOD "${SNAPSHOT_SYNC_DEBIAN_DIR}/postinst" "${SNAPSHOT_SYNC_DEBIAN_DIR}/prerm" "${SNAPSHOT_SYNC_DEBIAN_DIR}/postrm"
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_PACKAGE_NAME "snapshot-sync")
set(CPACK_PACKAGE_VENDOR "snapshot-sync")
set(CPACK_PACKAGE_CONTACT "snapshot-sync maintainers <snapshot-sync@example.invalid>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "A daily batch job (systemd timer, cron or Kubernetes CronJob) that reads per-account\naggregates from Fizzy's database (SQLite, MySQL/MariaDB or PostgreSQL) and sends\nthem to Segment as group() calls, with retries, pacing and a durable checkpoint.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_GENERATOR "DEB")
set(CPACK_SOURCE_GENERATOR "")  # no source package: git is the source of truth

set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # snapshot-sync_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "1")
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)             # needs dpkg-shlibdeps (dpkg-dev)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates")  # shlibdeps are appended
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus-node-exporter, sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${SNAPSHOT_SYNC_DEBIAN_DIR}/conffiles;${SNAPSHOT_SYNC_DEBIAN_DIR}/postinst;${SNAPSHOT_SYNC_DEBIAN_DIR}/prerm;${SNAPSHOT_SYNC_DEBIAN_DIR}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The binary is built RelWithDebInfo by default: strip it in the package.
set(CPACK_STRIP_FILES ON)

include(CPack)
