# Installed files beyond the binary, and the Debian package (cpack -G DEB).
include(GNUInstallDirs)
install(FILES config/snapshot-sync.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
