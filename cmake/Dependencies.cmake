# Every dependency comes from a Debian package; nothing is vendored.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

set(SNAPSHOT_SYNC_BACKENDS_SUMMARY "")
if(SNAPSHOT_SYNC_WITH_POSTGRESQL)
  pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
  # libpqxx 6.4's installed config header lacks PQXX_HAVE_OPTIONAL; without it
  # optional<> conversions do not compile and NULLs in stream_from crash.
  target_compile_definitions(PkgConfig::PQXX INTERFACE PQXX_HAVE_OPTIONAL)
  string(APPEND SNAPSHOT_SYNC_BACKENDS_SUMMARY " postgresql")
endif()
if(SNAPSHOT_SYNC_WITH_MYSQL)
  find_library(MYSQLCPPCONN_LIB NAMES mysqlcppconn REQUIRED)
  find_path(MYSQLCPPCONN_INC NAMES cppconn/driver.h REQUIRED)
  add_library(mysqlcppconn::mysqlcppconn UNKNOWN IMPORTED)
  set_target_properties(mysqlcppconn::mysqlcppconn PROPERTIES
    IMPORTED_LOCATION "${MYSQLCPPCONN_LIB}" INTERFACE_INCLUDE_DIRECTORIES "${MYSQLCPPCONN_INC}")
  string(APPEND SNAPSHOT_SYNC_BACKENDS_SUMMARY " mysql")
endif()
