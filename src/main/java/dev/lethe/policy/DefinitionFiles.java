package dev.lethe.policy;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The definition files of one folder, found at any depth. What is not a definition file must be
 * said, not passed over: a policy in {@code legal/b.yml} that nobody reads is a retention that
 * never applies, and {@code b.yml.disabled} may be a policy someone believes in force.
 */
final class DefinitionFiles {

  /** Files that sit in definition folders and are never definitions. */
  private static final Set<String> NOT_DEFINITIONS =
      Set.of(".gitkeep", ".gitignore", ".gitattributes", ".keep");

  private DefinitionFiles() {}

  static boolean isYaml(Path file) {
    var name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yml") || name.endsWith(".yaml");
  }

  /**
   * @param skip the other kind's folder, read as that kind where it lies inside this one
   */
  static List<Path> list(Path folder, String what, Path skip, Problems problems) {
    var files = new ArrayList<Path>();
    var skipped = skip.toAbsolutePath().normalize();
    try {
      Files.walkFileTree(
          folder,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              var name = dir.getFileName() == null ? "" : dir.getFileName().toString();
              if (!dir.equals(folder)
                  && (name.equals(".git") || dir.toAbsolutePath().normalize().equals(skipped))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              var name = file.getFileName().toString();
              if (isYaml(file) && attrs.isRegularFile()) {
                files.add(file);
              } else if (!NOT_DEFINITIONS.contains(name)
                  && !name.toLowerCase(Locale.ROOT).endsWith(".md")) {
                problems.error(
                    file,
                    0,
                    null,
                    "is in the "
                        + what
                        + " folder but is not a .yml or .yaml file, so Lethe would not read it",
                    "rename it to .yml if it is a definition Lethe must apply, or move it out of "
                        + folder);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              problems.error(
                  file,
                  0,
                  null,
                  e instanceof FileSystemLoopException
                      ? "is a link back to a folder above it"
                      : "cannot be read: " + e.getClass().getSimpleName(),
                  e instanceof FileSystemLoopException
                      ? "remove the link"
                      : "give the user running Lethe read access to it, or move it out of "
                          + folder);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      problems.error(folder, 0, null, "cannot be read: " + e.getClass().getSimpleName(), null);
    }
    files.sort(null);
    return List.copyOf(files);
  }
}
