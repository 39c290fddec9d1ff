# relaysync_add_plugin(<target> KIND transport|storage|checker NAME <name> SOURCES ...
#                      [OUTPUT_DIRECTORY <dir>]
#                      [INSTALL [INSTALL_DESTINATION <dir>] [COMPONENT <component>]])
#
# Builds one plugin library named relaysync-<kind>-<name>.so, the file name the host looks for
# when a profile says `plugin: <name>`: a MODULE linked to relaysync::sdk, with hidden
# visibility so that only the entry point is exported.
#
# Used in relaysync's own tree (sdk/CMakeLists.txt) and, through find_package(relaysync-sdk),
# outside it:
#   OUTPUT_DIRECTORY     where the build puts the library; default: ${RELAYSYNC_PLUGIN_DIR} when
#                        that is set (relaysync's tree sets it to <build>/plugins), else CMake's
#                        default.
#   INSTALL              `cmake --install` installs the library into INSTALL_DESTINATION,
#                        default ${RELAYSYNC_PLUGIN_INSTALL_DIR}: the folder an installed
#                        relaysync searches by default. In relaysync's tree it is relative to the
#                        install prefix; from the installed package it is absolute (the plugin
#                        folder of the relaysync the SDK came with).
#   COMPONENT            the install component (default: plugins).
function(relaysync_add_plugin target)
  cmake_parse_arguments(ARG "INSTALL" "KIND;NAME;OUTPUT_DIRECTORY;INSTALL_DESTINATION;COMPONENT" "SOURCES" ${ARGN})
  if(NOT ARG_KIND MATCHES "^(transport|storage|checker)$")
    message(FATAL_ERROR "relaysync_add_plugin(${target}): KIND must be transport, storage or checker")
  endif()
  if(NOT ARG_NAME MATCHES "^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    message(FATAL_ERROR "relaysync_add_plugin(${target}): NAME must be the plugin's name as profiles write it (letters, digits, '-', '_', '.'), not '${ARG_NAME}'")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "relaysync_add_plugin(${target}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE relaysync::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "relaysync-${ARG_KIND}-${ARG_NAME}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED RELAYSYNC_PLUGIN_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${RELAYSYNC_PLUGIN_DIR})
  endif()

  if(ARG_INSTALL)
    set(destination "${ARG_INSTALL_DESTINATION}")
    if(NOT destination)
      set(destination "${RELAYSYNC_PLUGIN_INSTALL_DIR}")
    endif()
    if(NOT destination)
      message(FATAL_ERROR "relaysync_add_plugin(${target}): INSTALL needs INSTALL_DESTINATION or "
                          "RELAYSYNC_PLUGIN_INSTALL_DIR (set by find_package(relaysync-sdk))")
    endif()
    if(NOT ARG_COMPONENT)
      set(ARG_COMPONENT plugins)
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION "${destination}" COMPONENT ${ARG_COMPONENT})
  elseif(ARG_INSTALL_DESTINATION OR ARG_COMPONENT)
    message(FATAL_ERROR "relaysync_add_plugin(${target}): INSTALL_DESTINATION and COMPONENT go with INSTALL")
  endif()
endfunction()
