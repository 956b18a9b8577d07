# The SQL in sql/ is the source of truth; it is compiled into the binary so an
# installed snapshot-sync works from any directory.
#   embed_sql(TARGET <lib> FILES <abs paths...>)
# generates sql_embedded.cpp defining ss::source::embedded_sql(dialect, name).
function(embed_sql)
  cmake_parse_arguments(ARG "" "TARGET" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/sql_embedded.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DROOT=${PROJECT_SOURCE_DIR}/sql
            "-DFILES=${ARG_FILES}" -P "${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedSql.cmake"
    DEPENDS ${ARG_FILES} "${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedSql.cmake"
    COMMENT "Embedding sql/ into the binary"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
endfunction()
