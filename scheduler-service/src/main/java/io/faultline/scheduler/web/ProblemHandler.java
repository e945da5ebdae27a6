package io.faultline.scheduler.web;

import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error as RFC 9457 {@code application/problem+json}. Validation errors carry {@code errors}:
 * a list of {@code {field, rule, message}}.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
  static final String TYPE_BASE = "https://faultline.io/problems/";

  @ExceptionHandler(InvalidRequestException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
    return invalid(e.violations());
  }

  static ResponseEntity<ProblemDetail> invalid(List<FieldViolation> violations) {
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            violations.size() == 1
                ? violations.getFirst().field() + ": " + violations.getFirst().message()
                : violations.size() + " fields are invalid");
    problem.setProperty("errors", violations);
    return ResponseEntity.badRequest().body(problem);
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .body(problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage()));
  }

  @ExceptionHandler(ForbiddenException.class)
  ResponseEntity<ProblemDetail> forbidden(ForbiddenException e) {
    return ResponseEntity.status(HttpStatus.FORBIDDEN)
        .body(problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage()));
  }

  @ExceptionHandler(ConflictException.class)
  ResponseEntity<ProblemDetail> conflict(ConflictException e) {
    ProblemDetail problem = problem(HttpStatus.CONFLICT, "conflict", "Conflict", e.getMessage());
    if (e.violation() != null) {
      problem.setProperty("errors", List.of(e.violation()));
    }
    return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
  }

  @ExceptionHandler(LimitExceededException.class)
  ResponseEntity<ProblemDetail> limitExceeded(LimitExceededException e) {
    ProblemDetail problem =
        problem(e.status(), "limit-exceeded", "Limit exceeded", e.violation().message());
    problem.setProperty("errors", List.of(e.violation()));
    problem.setProperty("limit", e.limit());
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(e.status());
    if (e.retryAfter() != null) {
      answer.header(
          HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
    }
    return answer.body(problem);
  }

  @ExceptionHandler(UnavailableException.class)
  ResponseEntity<ProblemDetail> unavailable(UnavailableException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .body(
            problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "State temporarily unavailable",
                e.getMessage()));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String field = "$";
    String rule = "json";
    String message = "the body is not valid JSON";
    Throwable cause = ex.getCause();
    while (cause != null && !(cause instanceof JacksonException)) {
      cause = cause.getCause();
    }
    if (cause instanceof JacksonException jackson) {
      String path = path(jackson.getPath());
      if (!path.isEmpty()) {
        field = path;
      }
      if (jackson instanceof UnrecognizedPropertyException) {
        rule = "additionalProperties";
        message = "unknown field";
      } else if (!path.isEmpty()) {
        rule = "type";
        message = "has the wrong type";
      }
    }
    return ResponseEntity.badRequest()
        .body(invalid(List.of(new FieldViolation(field, rule, message))).getBody());
  }

  private static String path(List<JacksonException.Reference> references) {
    StringBuilder out = new StringBuilder();
    for (JacksonException.Reference r : references) {
      if (r.getPropertyName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  @ExceptionHandler(RuntimeException.class)
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
    if (e instanceof org.springframework.security.access.AccessDeniedException denied) {
      return forbidden(new ForbiddenException(denied.getMessage()));
    }
    log.error("unexpected error", e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .body(
            problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "an unexpected error occurred; see the service log"));
  }

  static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_BASE + type));
    problem.setTitle(title);
    return problem;
  }
}
