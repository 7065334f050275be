# The browser build's libraries: Debian's header-only packages (libfmt-dev in its header-only
# mode, libtomlplusplus-dev, nlohmann-json3-dev, libcli11-dev, libstb-dev), exposed to emscripten through a
# folder of links to their include directories only, so that no host system header reaches it.
set(_web_include "${CMAKE_BINARY_DIR}/web-include")
file(MAKE_DIRECTORY "${_web_include}")
foreach(_dir fmt toml++ nlohmann CLI stb)
  if(NOT EXISTS "/usr/include/${_dir}")
    message(FATAL_ERROR "/usr/include/${_dir} is missing: scripts/build-web.sh installs the packages")
  endif()
  file(CREATE_LINK "/usr/include/${_dir}" "${_web_include}/${_dir}" SYMBOLIC)
endforeach()

add_library(fmt::fmt INTERFACE IMPORTED)
target_include_directories(fmt::fmt SYSTEM INTERFACE "${_web_include}")
target_compile_definitions(fmt::fmt INTERFACE FMT_HEADER_ONLY=1)
foreach(_target tomlplusplus::tomlplusplus nlohmann_json::nlohmann_json CLI11::CLI11)
  add_library(${_target} INTERFACE IMPORTED)
  target_include_directories(${_target} SYSTEM INTERFACE "${_web_include}")
endforeach()

# stb's PNG writer (the window's screenshots) is included as <stb_image_write.h>, as pkg-config
# gives it on the desktop.
include_directories(SYSTEM "${_web_include}/stb")

# The parsers report errors with exceptions, which emscripten leaves uncaught unless asked.
add_compile_options(-fexceptions)
add_link_options(-fexceptions)
